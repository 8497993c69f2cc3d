package io.smtreplay.agent;

/** A condition the agent cannot run under, said in one line for the operator (no stack trace). */
public final class AgentException extends Exception {
    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
