package io.smtreplay.replay;

/**
 * Kafka's test-kit jar (the embedded broker) ships a log4j2.yaml that log4j prefers to an XML
 * file, and it logs every broker step at INFO on standard output; the commands pick our quiet
 * configuration explicitly unless the user chose one.
 */
final class Logging {

    static final String CONFIGURATION = "smtreplay-log4j2.xml";

    private Logging() {
    }

    static void useOurs() {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", CONFIGURATION);
        }
    }
}
