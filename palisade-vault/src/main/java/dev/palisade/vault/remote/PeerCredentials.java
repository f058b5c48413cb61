package dev.palisade.vault.remote;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/** Resolves the user allowed to connect to the vault socket. */
public final class PeerCredentials {
  private PeerCredentials() {}

  /** The user running this process (by uid, from /proc/self). */
  public static UserPrincipal currentUser() throws IOException {
    return user(Integer.toString(currentUid()));
  }

  public static int currentUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  /** A user by name or numeric uid (principals compare by uid). */
  public static UserPrincipal user(String nameOrUid) throws IOException {
    return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(nameOrUid);
  }
}
