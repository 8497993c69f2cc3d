package io.smtreplay.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.smt.SmtConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostProfilesTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            { "name": "mine", "description": "a test CPU",
              "clockGhz": { "value": 2.0, "source": "spec sheet" },
              "contextSwitch": {
                "L2_TO_L0": { "cycles": 2000, "source": "measured" },
                "L0_TO_L2": { "us": 0.5, "source": "measured" },
                "L0_TO_L1": { "ns": 700, "source": "measured" },
                "L1_TO_L0": { "ns": 600.4, "source": "measured" } },
              "lazyStatePerReflectedExit": { "ns": 0, "source": "none" },
              "handoff": { "svt-sw": { "ns": 300, "source": "guess" }, "default": { "ns": 5, "source": "guess" } } }
            """;

    private Path write(String text) throws Exception {
        Path file = dir.resolve("p.json");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aProfileFileGivesCostsInNanosecondsWhateverUnitItUses() throws Exception {
        CostProfile p = CostProfiles.load(write(VALID).toString());
        assertEquals("mine", p.name());
        assertEquals(1_000, p.contextSwitchNs(WorldSwitch.L2_TO_L0), "2000 cycles at 2 GHz");
        assertEquals(500, p.contextSwitchNs(WorldSwitch.L0_TO_L2));
        assertEquals(600, p.contextSwitchNs(WorldSwitch.L1_TO_L0));
        assertEquals(300, p.handoffNs("svt-sw"));
        assertEquals(5, p.handoffNs("svt-hw"), "unnamed configurations get the default handoff");
        assertEquals("measured", p.sources().get("contextSwitch.L2_TO_L0"));
    }

    @Test
    void aNumberWithoutSourceIsRefusedWithWhereItIs() throws Exception {
        String text = VALID.replace("{ \"ns\": 700, \"source\": \"measured\" }", "{ \"ns\": 700 }");
        ProfileException e = assertThrows(ProfileException.class, () -> CostProfiles.load(write(text).toString()));
        assertTrue(e.getMessage().contains("contextSwitch.L0_TO_L1") && e.getMessage().contains("source"), e.getMessage());
    }

    @Test
    void malformedProfilesAreRefusedClearly() throws Exception {
        List<String> broken = List.of(
                VALID.replace("\"L1_TO_L0\"", "\"L1_TO_L2\""),
                VALID.replace("\"ns\": 300", "\"ns\": -3"),
                VALID.replace("\"ns\": 300", "\"ns\": 300, \"us\": 1"),
                VALID.replace("\"value\": 2.0", "\"value\": 0"),
                VALID.replace("\"description\"", "\"colour\""),
                "[1, 2]",
                "{ not json");
        for (String text : broken) {
            assertThrows(ProfileException.class, () -> CostProfiles.load(write(text).toString()), text);
        }
        ProfileException missing = assertThrows(ProfileException.class, () -> CostProfiles.load("no-such-profile"));
        assertTrue(missing.getMessage().contains(CostProfiles.DEFAULT), missing.getMessage());
    }

    @Test
    void userConfigurationsJoinTheNamedOnes() throws Exception {
        Path file = dir.resolve("configs.json");
        Files.writeString(file, """
                { "configurations": [
                  { "name": "smt4-l1-alone", "contexts": 4, "partition": { "L0": 0, "L1": 3, "L2": 0 } } ] }
                """);
        SmtConfigurations all = SmtConfigurations.withFile(file);
        List<SmtConfiguration> chosen = all.resolve("svt-hw, smt4-l1-alone");
        assertEquals(List.of("svt-hw", "smt4-l1-alone"), chosen.stream().map(SmtConfiguration::name).toList());
        assertEquals(3, chosen.get(1).contextOf(io.smtreplay.episode.Level.L1));
        assertThrows(ProfileException.class, () -> all.resolve("svt-xx"));
        Files.writeString(file, """
                { "configurations": [ { "name": "bad", "contexts": 2, "partition": { "L0": 0, "L1": 2, "L2": 0 } } ] }
                """);
        assertThrows(ProfileException.class, () -> SmtConfigurations.withFile(file));
        Files.writeString(file, """
                { "configurations": [ { "name": "svt-hw", "contexts": 3, "partition": { "L0": 0, "L1": 1, "L2": 2 } } ] }
                """);
        assertThrows(ProfileException.class, () -> SmtConfigurations.withFile(file), "a named one cannot be redefined");
    }
}
