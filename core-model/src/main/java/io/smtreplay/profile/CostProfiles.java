package io.smtreplay.profile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.episode.WorldSwitch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads cost-profile files. A profile is JSON; every number is an object with its value in
 * {@code ns}, {@code us} or {@code cycles} (converted with the profile's clock) and a required
 * {@code source} saying where it comes from:
 * <pre>{@code
 * { "name": "isca19-table1", "description": "...",
 *   "clockGhz": { "value": 2.4, "source": "..." },
 *   "contextSwitch": { "L2_TO_L0": { "us": 0.405, "source": "..." }, "L0_TO_L2": ..., "L0_TO_L1": ..., "L1_TO_L0": ... },
 *   "lazyStatePerReflectedExit": { "us": 1.43, "source": "..." },
 *   "handoff": { "svt-sw": { "us": 0.571, "source": "..." }, "svt-hw": { "ns": 0, "source": "..." },
 *                "default": { "ns": 0, "source": "..." } },
 *   "derivation": [ "free text lines" ] }
 * }</pre>
 * Published profiles ship as resources under {@code profiles/} and are loaded by name.
 */
public final class CostProfiles {

    /** The largest cost a profile may give one step (ns): far above any real one (µs), far below an overflow. */
    static final long MAX_COST_NS = 1_000_000_000L;

    /** The profile calibrated to the paper's Table 1 and Figure 6. */
    public static final String DEFAULT = "isca19-table1";
    /** Profiles shipped with smtreplay, by name. */
    public static final List<String> PUBLISHED = List.of(DEFAULT, "hyperturtle-silver4216");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private CostProfiles() {
    }

    /** The default profile. */
    public static CostProfile defaultProfile() {
        return load(DEFAULT);
    }

    /** A published profile by name, else a profile file by path. */
    public static CostProfile load(String nameOrPath) {
        InputStream resource = CostProfiles.class.getResourceAsStream("/profiles/" + nameOrPath + ".json");
        if (resource != null) {
            try (resource) {
                return parse(JSON.readTree(resource), "profile " + nameOrPath);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path path = Path.of(nameOrPath);
        if (!Files.isRegularFile(path)) {
            throw new ProfileException("no published profile " + nameOrPath + " (published: " + PUBLISHED
                    + ") and no such file");
        }
        try {
            return parse(JSON.readTree(path.toFile()), path.toString());
        } catch (IOException e) {
            throw new ProfileException(path + ": not valid JSON: " + e.getMessage());
        }
    }

    static CostProfile parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new ProfileException(where + ": a profile is a JSON object");
        }
        String name = text(root, "name", where);
        CostProfile.Builder b = CostProfile.builder(name);
        if (root.has("description")) {
            b.description(root.get("description").asText());
        }
        JsonNode clock = required(root, "clockGhz", where);
        double ghz = number(clock, "value", where + " clockGhz");
        if (!(ghz > 0)) {
            throw new ProfileException(where + ": clockGhz must be positive");
        }
        b.clockGhz(ghz).source("clockGhz", source(clock, where + " clockGhz"));

        JsonNode switches = required(root, "contextSwitch", where);
        for (WorldSwitch kind : WorldSwitch.values()) {
            JsonNode cost = required(switches, kind.name(), where + " contextSwitch");
            b.contextSwitch(kind, nanos(cost, ghz, where + " contextSwitch." + kind))
                    .source(CostProfile.key(kind), source(cost, where + " contextSwitch." + kind));
        }
        unknownFields(switches, java.util.Arrays.stream(WorldSwitch.values()).map(Enum::name).toList(),
                where + " contextSwitch");

        JsonNode lazy = required(root, "lazyStatePerReflectedExit", where);
        b.lazyStatePerReflectedExit(nanos(lazy, ghz, where + " lazyStatePerReflectedExit"))
                .source("lazyStatePerReflectedExit", source(lazy, where + " lazyStatePerReflectedExit"));

        JsonNode handoff = required(root, "handoff", where);
        for (Iterator<Map.Entry<String, JsonNode>> it = handoff.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String config = entry.getKey();
            long ns = nanos(entry.getValue(), ghz, where + " handoff." + config);
            if (config.equals("default")) {
                b.defaultHandoff(ns);
            } else {
                b.handoff(config, ns);
            }
            b.source("handoff." + config, source(entry.getValue(), where + " handoff." + config));
        }
        unknownFields(root, List.of("name", "description", "clockGhz", "contextSwitch", "lazyStatePerReflectedExit",
                "handoff", "derivation"), where);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ProfileException(where + ": " + e.getMessage());
        }
    }

    private static long nanos(JsonNode cost, double ghz, String where) {
        if (cost == null || !cost.isObject()) {
            throw new ProfileException(where + ": expected {\"ns\"|\"us\"|\"cycles\": number, \"source\": text}");
        }
        int units = (cost.has("ns") ? 1 : 0) + (cost.has("us") ? 1 : 0) + (cost.has("cycles") ? 1 : 0);
        if (units != 1) {
            throw new ProfileException(where + ": give exactly one of ns, us, cycles");
        }
        unknownFields(cost, List.of("ns", "us", "cycles", "source", "derived"), where);
        double value;
        if (cost.has("ns")) {
            value = number(cost, "ns", where);
        } else if (cost.has("us")) {
            value = number(cost, "us", where) * 1000;
        } else {
            value = number(cost, "cycles", where) / ghz;
        }
        if (value < 0) {
            throw new ProfileException(where + ": a cost cannot be negative");
        }
        if (!(value <= MAX_COST_NS)) {
            // a cost of 1e300 us would round to Long.MAX_VALUE and overflow every sum it enters
            throw new ProfileException(where + ": a cost of " + (cost.has("us") ? cost.get("us") + " us" : cost.has("ns")
                    ? cost.get("ns") + " ns" : cost.get("cycles") + " cycles") + " is above the " + MAX_COST_NS / 1_000_000
                    + " ms any one world switch or handler could take");
        }
        return Math.round(value);
    }

    private static double number(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new ProfileException(where + ": " + field + " must be a number");
        }
        return v.asDouble();
    }

    private static String source(JsonNode node, String where) {
        JsonNode v = node.get("source");
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ProfileException(where + ": every number needs a \"source\"");
        }
        return v.asText();
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new ProfileException(where + ": missing \"" + field + "\"");
        }
        return v;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = required(node, field, where);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new ProfileException(where + ": \"" + field + "\" must be a non-empty string");
        }
        return v.asText();
    }

    private static void unknownFields(JsonNode node, List<String> known, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new ProfileException(where + ": unknown field \"" + field + "\" (known: " + known + ")");
            }
        }
    }
}
