package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-line errors an operator sees, and label rules and QEMU names as the agent reads them. */
class TracefsInstanceErrorsTest {

    @Test
    void aMissingTracefsSaysWhereAndHowToMountIt(@TempDir Path notTracefs) {
        AgentException e = assertThrows(AgentException.class,
                () -> TracefsInstance.create(notTracefs, "x", 64, TracefsInstance.MODEL_EVENTS));
        assertEquals("tracefs is not mounted at " + notTracefs + " (mount -t tracefs nodev " + notTracefs + ")",
                e.getMessage());
    }

    @Test
    void anExistingInstanceIsRefusedAndLeftAlone() throws Exception {
        try (LiveKernel kernel = LiveKernel.require()) {
            String name = LiveKernel.instanceName();
            Path dir = LiveKernel.TRACEFS.resolve("instances").resolve(name);
            Files.createDirectory(dir);
            try {
                AgentException e = assertThrows(AgentException.class,
                        () -> TracefsInstance.create(LiveKernel.TRACEFS, name, 64, TracefsInstance.MODEL_EVENTS));
                assertTrue(e.getMessage().startsWith("the tracefs instance " + dir + " already exists"), e.getMessage());
                assertTrue(Files.isDirectory(dir), "another agent's instance is not removed");
            } finally {
                Files.delete(dir);
            }
        }
    }

    @Test
    void labelRulesAndQemuNames() {
        ThreadLabels.Rule r = ThreadLabels.Rule.parse("cgroup:machine-qemu\\x2d1\\x2dshop=shop");
        assertEquals(new ThreadLabels.Rule("cgroup", "machine-qemu\\x2d1\\x2dshop", "shop"), r);
        assertThrows(IllegalArgumentException.class, () -> ThreadLabels.Rule.parse("pid:1=x"));
        assertEquals("shop-db", ThreadLabels.libvirtName("guest=shop-db,debug-threads=on"));
        assertEquals("plain", ThreadLabels.libvirtName("plain,process=qemu"));
    }
}
