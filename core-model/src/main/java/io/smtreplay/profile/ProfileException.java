package io.smtreplay.profile;

/** A profile or configuration file that cannot be used, with what is wrong and where. */
public final class ProfileException extends RuntimeException {

    public ProfileException(String message) {
        super(message);
    }
}
