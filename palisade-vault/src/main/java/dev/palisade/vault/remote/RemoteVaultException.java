package dev.palisade.vault.remote;

/** The remote vault could not be reached, timed out, or answered BAD_REQUEST / ERROR. */
public final class RemoteVaultException extends RuntimeException {
  public enum Kind {
    /** The vault rejected the request as malformed (e.g. a body it cannot decode). */
    BAD_REQUEST,
    /** The vault reported an internal error, or refused the connection. */
    ERROR,
    /** The socket failed or the vault sent something unexpected. */
    IO,
    /** No answer within the timeout. */
    TIMEOUT
  }

  private final Kind kind;

  public RemoteVaultException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
