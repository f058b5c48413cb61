package dev.palisade.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Table {@code auth_identity_totp} (migrated with the auth tables). Every state change that must hold
 * across instances is one conditional update: a time step is accepted once (replay), and an attempt
 * takes a slot of the identity's wrong-code budget before its code is checked, so concurrent guesses
 * on several instances together get no more tries than the budget.
 */
public final class TotpStore {
  private static final String COLUMNS = "identity_id, operator_id, format_version, kek_id, wrapped_dek, secret_nonce,"
      + " secret_ciphertext, created_at_ms, confirmed_at_ms, last_step";

  private final DataSource dataSource;

  public TotpStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<TotpEnrollment> find(IdentityId identity) {
    return run(false, c -> {
      try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from auth_identity_totp where identity_id = ?")) {
        ps.setString(1, identity.value());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          long confirmed = rs.getLong(9);
          Optional<Instant> confirmedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(confirmed));
          return Optional.of(new TotpEnrollment(IdentityId.of(rs.getString(1)), OperatorId.of(rs.getString(2)),
              rs.getInt(3), rs.getString(4), rs.getBytes(5), rs.getBytes(6), rs.getBytes(7),
              Instant.ofEpochMilli(rs.getLong(8)), confirmedAt, rs.getLong(10)));
        }
      }
    });
  }

  /**
   * Stores a new, unconfirmed enrollment, replacing an unconfirmed one (a setup that went wrong is
   * simply done again); refused while a confirmed one exists: it must be removed first.
   */
  public void savePending(TotpEnrollment pending) {
    run(true, c -> {
      try (PreparedStatement delete = c.prepareStatement(
          "delete from auth_identity_totp where identity_id = ? and confirmed_at_ms is null")) {
        delete.setString(1, pending.identity().value());
        delete.executeUpdate();
      }
      try (PreparedStatement insert = c.prepareStatement("insert into auth_identity_totp (" + COLUMNS
          + ") values (?, ?, ?, ?, ?, ?, ?, ?, null, -1)")) {
        insert.setString(1, pending.identity().value());
        insert.setString(2, pending.operator().value());
        insert.setInt(3, pending.formatVersion());
        insert.setString(4, pending.kekId());
        insert.setBytes(5, pending.wrappedDek());
        insert.setBytes(6, pending.nonce());
        insert.setBytes(7, pending.ciphertext());
        insert.setLong(8, pending.createdAt().toEpochMilli());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (SqlErrors.isConstraintViolation(e)) {
          throw new AuthConflictException(pending.identity() + " already has a confirmed TOTP enrollment: an admin"
              + " of its operator removes it first");
        }
        throw e;
      }
      return null;
    });
  }

  /** Confirms a pending enrollment with the step of its first valid code; false if none is pending. */
  public boolean confirm(IdentityId identity, long step, Instant now) {
    return update("update auth_identity_totp set confirmed_at_ms = ?, last_step = ?, failures = 0"
        + " where identity_id = ? and confirmed_at_ms is null", now.toEpochMilli(), step, identity.value()) == 1;
  }

  /** Accepts {@code step} once: false when it (or a later step) was already accepted. */
  public boolean accept(IdentityId identity, long step) {
    return update("update auth_identity_totp set last_step = ?, failures = 0"
        + " where identity_id = ? and confirmed_at_ms is not null and last_step < ?", step, identity.value(), step) == 1;
  }

  /**
   * Takes one attempt from the budget of {@code max} per {@code window}; false when it is spent (the
   * caller refuses without checking the code). An accepted code gives the budget back.
   */
  public boolean reserveAttempt(IdentityId identity, Instant now, int max, Duration window) {
    long cutoff = now.minus(window).toEpochMilli();
    return update("update auth_identity_totp set"
        + " failures = case when failure_window_start_ms > ? then failures + 1 else 1 end,"
        + " failure_window_start_ms = case when failure_window_start_ms > ? then failure_window_start_ms else ? end"
        + " where identity_id = ? and (failure_window_start_ms <= ? or failures < ?)",
        cutoff, cutoff, now.toEpochMilli(), identity.value(), cutoff, max) == 1;
  }

  public boolean remove(IdentityId identity) {
    return update("delete from auth_identity_totp where identity_id = ?", identity.value()) == 1;
  }

  private int update(String sql, Object... parameters) {
    return run(true, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < parameters.length; i++) {
          ps.setObject(i + 1, parameters[i]);
        }
        return ps.executeUpdate();
      }
    });
  }

  private <T> T run(boolean write, IdentityStore.SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      if (!write) {
        return work.run(c);
      }
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new AuthStoreUnavailableException("TOTP store unavailable: " + e.getMessage(), e);
    }
  }
}
