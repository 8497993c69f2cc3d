package io.smtreplay.profile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.trace.Isa;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads cost-profile files. A profile is JSON; it names its domain (ISA, CPU, kernel) and every
 * number is an object with its value in {@code ns}, {@code us} or {@code cycles} (converted with
 * the profile's clock), its {@code kind} (measured, derived, fitted or assumed) and a required
 * {@code source} saying where it comes from. An optional {@code family} lists variants the data
 * cannot tell apart, each setting some parameters ({@link CostProfile#parameters()}):
 * <pre>{@code
 * { "name": "isca19-table1", "description": "...",
 *   "domain": { "isa": "vmx", "cpu": "Xeon E5-2630 v3", "kernel": "4.18" },
 *   "clockGhz": { "value": 2.4, "kind": "measured", "source": "..." },
 *   "contextSwitch": { "L2_TO_L0": { "us": 0.405, "source": "..." }, "L0_TO_L2": ..., "L0_TO_L1": ..., "L1_TO_L0": ... },
 *   "nestedTransition": { "L0_TO_L1": { "us": 0.70, "source": "..." }, "L1_TO_L0": ... },   (optional)
 *   "outsideWindow": { "L2_TO_L0": { "us": 0.135, "source": "..." }, ... },                (optional)
 *   "lazyStatePerReflectedExit": { "us": 1.43, "source": "..." },
 *   "handoff": { "svt-sw": { "us": 0.571, "source": "..." }, "svt-hw": { "ns": 0, "source": "..." },
 *                "default": { "ns": 0, "source": "..." } },
 *   "derivation": [ "free text lines" ],
 *   "family": { "description": "...", "members": [
 *       { "name": "k0", "assumption": "...", "set": { "lazyStatePerReflectedExit": { "us": 2.83, "kind": "fitted", "source": "..." } } } ] } }
 * }</pre>
 * Published profiles ship as resources under {@code profiles/} and are loaded by name.
 */
public final class CostProfiles {

    /** The largest cost a profile may give one step (ns): far above any real one (µs), far below an overflow. */
    static final long MAX_COST_NS = 1_000_000_000L;

    /** The profile calibrated to the paper's Table 1 and Figure 6. */
    public static final String DEFAULT = "isca19-table1";
    /** Profiles shipped with smtreplay, by name. */
    public static final List<String> PUBLISHED = List.of(DEFAULT, "hyperturtle-silver4216", "svm-lkml2020");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private CostProfiles() {
    }

    /** The default profile. */
    public static CostProfile defaultProfile() {
        return load(DEFAULT);
    }

    /** A published profile by name, else a profile file by path (its family, if any, left out). */
    public static CostProfile load(String nameOrPath) {
        return loadFamily(nameOrPath).central();
    }

    /** A published profile by name, else a profile file by path, with its family. */
    public static ProfileFamily loadFamily(String nameOrPath) {
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
                    + ") and " + (Files.isDirectory(path) ? "it is a directory, not a profile file" : "no such file"));
        }
        try {
            return parse(JSON.readTree(path.toFile()), path.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Jackson's own message runs over lines, with its source description: one line, where and why
            var at = e.getLocation();
            throw new ProfileException(path + ": not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ProfileException(path + ": cannot read: " + e.getMessage());
        }
    }

    static ProfileFamily parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new ProfileException(where + ": a profile is a JSON object");
        }
        String name = text(root, "name", where);
        CostProfile.Builder b = CostProfile.builder(name);
        if (root.has("description")) {
            b.description(root.get("description").asText());
        }
        b.domain(domain(required(root, "domain", where), where + " domain"));
        JsonNode clock = required(root, "clockGhz", where);
        unknownFields(clock, List.of("value", "kind", "source"), where + " clockGhz");
        double ghz = number(clock, "value", where + " clockGhz");
        if (!(ghz > 0)) {
            throw new ProfileException(where + ": clockGhz must be positive");
        }
        b.clockGhz(ghz);
        provenance(b, "clockGhz", clock, where + " clockGhz");

        JsonNode switches = required(root, "contextSwitch", where);
        for (WorldSwitch kind : WorldSwitch.values()) {
            JsonNode cost = required(switches, kind.name(), where + " contextSwitch");
            b.contextSwitch(kind, nanos(cost, ghz, where + " contextSwitch." + kind));
            provenance(b, CostProfile.key(kind), cost, where + " contextSwitch." + kind);
        }
        unknownFields(switches, java.util.Arrays.stream(WorldSwitch.values()).map(Enum::name).toList(),
                where + " contextSwitch");

        perSwitch(root, "nestedTransition", ghz, where, b, b::nestedTransition, CostProfile::nestedKey);
        perSwitch(root, "outsideWindow", ghz, where, b, b::outsideWindow, CostProfile::outsideKey);

        JsonNode lazy = required(root, CostProfile.LAZY_STATE, where);
        b.lazyStatePerReflectedExit(nanos(lazy, ghz, where + " " + CostProfile.LAZY_STATE));
        provenance(b, CostProfile.LAZY_STATE, lazy, where + " " + CostProfile.LAZY_STATE);

        JsonNode handoff = required(root, "handoff", where);
        for (Iterator<Map.Entry<String, JsonNode>> it = handoff.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String config = entry.getKey();
            String key = CostProfile.HANDOFF + config;
            long ns = nanos(entry.getValue(), ghz, where + " " + key);
            if (config.equals("default")) {
                b.defaultHandoff(ns);
            } else {
                b.handoff(config, ns);
            }
            provenance(b, key, entry.getValue(), where + " " + key);
        }
        unknownFields(root, List.of("name", "description", "domain", "clockGhz", "contextSwitch", "nestedTransition",
                "outsideWindow", CostProfile.LAZY_STATE, "handoff", "derivation", "family"), where);
        CostProfile central;
        try {
            central = b.build();
        } catch (IllegalArgumentException e) {
            throw new ProfileException(where + ": " + e.getMessage());
        }
        JsonNode family = root.get("family");
        return family == null ? ProfileFamily.of(central) : family(central, family, where + " family");
    }

    private static ProfileDomain domain(JsonNode node, String where) {
        unknownFields(node, List.of("isa", "cpu", "kernel"), where);
        String isa = text(node, "isa", where).toLowerCase(java.util.Locale.ROOT);
        Isa parsed = switch (isa) {
            case "vmx" -> Isa.VMX;
            case "svm" -> Isa.SVM;
            default -> throw new ProfileException(where + ": isa must be vmx or svm, not " + isa);
        };
        return new ProfileDomain(parsed, text(node, "cpu", where), text(node, "kernel", where));
    }

    /** Members set parameters of the central profile; what they do not set, they share with it. */
    private static ProfileFamily family(CostProfile central, JsonNode node, String where) {
        unknownFields(node, List.of("description", "members"), where);
        JsonNode members = required(node, "members", where);
        if (!members.isArray()) {
            throw new ProfileException(where + ": \"members\" is a list");
        }
        List<ProfileFamily.Member> list = new ArrayList<>();
        for (JsonNode m : members) {
            String name = text(m, "name", where + " member");
            String at = where + " member " + name;
            unknownFields(m, List.of("name", "assumption", "set"), at);
            CostProfile profile = central;
            Map<String, Provenance> provenance = new LinkedHashMap<>(central.provenance());
            JsonNode set = required(m, "set", at);
            for (Iterator<Map.Entry<String, JsonNode>> it = set.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String parameter = entry.getKey();
                try {
                    profile = profile.withParameter(parameter, nanos(entry.getValue(), central.clockGhz(),
                            at + " " + parameter));
                } catch (IllegalArgumentException e) {
                    throw new ProfileException(at + ": " + e.getMessage());
                }
                provenance.put(parameter, provenance(entry.getValue(), at + " " + parameter));
            }
            list.add(new ProfileFamily.Member(name, text(m, "assumption", at),
                    profile.withProvenance(central.name() + "/" + name, central.description(), provenance)));
        }
        try {
            return new ProfileFamily(central, node.has("description") ? node.get("description").asText() : "", list);
        } catch (IllegalArgumentException e) {
            throw new ProfileException(where + ": " + e.getMessage());
        }
    }

    private static void provenance(CostProfile.Builder b, String key, JsonNode node, String where) {
        Provenance p = provenance(node, where);
        b.source(key, p.kind(), p.source());
    }

    private static Provenance provenance(JsonNode node, String where) {
        String source = source(node, where);
        JsonNode kind = node.get("kind");
        if (kind == null || !kind.isTextual()) {
            throw new ProfileException(where + ": every number needs a \"kind\": measured, derived, fitted or assumed");
        }
        try {
            return new Provenance(Provenance.Kind.ofWord(kind.asText()), source);
        } catch (IllegalArgumentException e) {
            throw new ProfileException(where + ": " + e.getMessage());
        }
    }

    /** An optional object of costs by switch kind ({@code "nestedTransition": {"L0_TO_L1": {...}}}). */
    private static void perSwitch(JsonNode root, String field, double ghz, String where, CostProfile.Builder b,
                                  java.util.function.ObjLongConsumer<WorldSwitch> cost,
                                  java.util.function.Function<WorldSwitch, String> key) {
        JsonNode node = root.get(field);
        if (node == null) {
            return;
        }
        if (!node.isObject()) {
            throw new ProfileException(where + ": \"" + field + "\" is an object of costs by switch kind");
        }
        unknownFields(node, java.util.Arrays.stream(WorldSwitch.values()).map(Enum::name).toList(), where + " " + field);
        for (WorldSwitch kind : WorldSwitch.values()) {
            JsonNode value = node.get(kind.name());
            if (value != null) {
                cost.accept(kind, nanos(value, ghz, where + " " + field + "." + kind));
                provenance(b, key.apply(kind), value, where + " " + field + "." + kind);
            }
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
        unknownFields(cost, List.of("ns", "us", "cycles", "kind", "source", "derivation"), where);
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
