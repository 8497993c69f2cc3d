package io.smtreplay.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.episode.Level;
import io.smtreplay.smt.SmtConfiguration;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves configuration names: the named ones ({@code baseline}, {@code svt-sw}, {@code svt-hw})
 * and those of a user file:
 * <pre>{@code
 * { "configurations": [
 *     { "name": "smt4-l1-alone", "contexts": 4, "partition": { "L0": 0, "L1": 1, "L2": 0 },
 *       "l0OnEveryContext": false } ] }
 * }</pre>
 * {@code l0OnEveryContext} (optional, default false) is {@link SmtConfiguration#l0OnEveryContext()}.
 */
public final class SmtConfigurations {

    private final Map<String, SmtConfiguration> byName = new LinkedHashMap<>();

    private SmtConfigurations() {
        SmtConfiguration.NAMED.forEach(c -> byName.put(c.name(), c));
    }

    /** The named configurations only. */
    public static SmtConfigurations named() {
        return new SmtConfigurations();
    }

    /** The named configurations plus a user file's (which may not redefine a named one). */
    public static SmtConfigurations withFile(Path file) {
        SmtConfigurations all = new SmtConfigurations();
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ProfileException(file + ": cannot read configurations: " + e.getMessage());
        }
        JsonNode list = root == null ? null : root.get("configurations");
        if (list == null || !list.isArray()) {
            throw new ProfileException(file + ": expected {\"configurations\": [ ... ]}");
        }
        for (JsonNode node : list) {
            SmtConfiguration c = parse(node, file.toString());
            if (all.byName.containsKey(c.name())) {
                throw new ProfileException(file + ": configuration " + c.name() + " is defined twice");
            }
            all.byName.put(c.name(), c);
        }
        return all;
    }

    private static SmtConfiguration parse(JsonNode node, String where) {
        JsonNode name = node.get("name");
        JsonNode contexts = node.get("contexts");
        JsonNode partition = node.get("partition");
        if (name == null || !name.isTextual() || contexts == null || !contexts.isInt() || partition == null
                || !partition.isObject()) {
            throw new ProfileException(where + ": a configuration is {\"name\": text, \"contexts\": 1..8, "
                    + "\"partition\": {\"L0\": n, \"L1\": n, \"L2\": n}}, not " + node);
        }
        Map<Level, Integer> map = new EnumMap<>(Level.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = partition.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Level level;
            try {
                level = Level.valueOf(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new ProfileException(where + ": " + name.asText() + ": no level " + e.getKey() + " (L0, L1, L2)");
            }
            if (!e.getValue().isInt()) {
                throw new ProfileException(where + ": " + name.asText() + ": context of " + level + " must be an integer");
            }
            map.put(level, e.getValue().asInt());
        }
        JsonNode everywhere = node.get("l0OnEveryContext");
        if (everywhere != null && !everywhere.isBoolean()) {
            throw new ProfileException(where + ": " + name.asText() + ": l0OnEveryContext must be true or false");
        }
        try {
            return new SmtConfiguration(name.asText(), contexts.asInt(), map, everywhere != null && everywhere.asBoolean());
        } catch (IllegalArgumentException e) {
            throw new ProfileException(where + ": " + e.getMessage());
        }
    }

    /** The configurations of a comma-separated list of names, in that order. */
    public List<SmtConfiguration> resolve(String commaSeparated) {
        List<SmtConfiguration> list = new ArrayList<>();
        for (String name : commaSeparated.split(",")) {
            String n = name.trim();
            if (n.isEmpty()) {
                continue;
            }
            SmtConfiguration c = byName.get(n);
            if (c == null) {
                throw new ProfileException("no configuration " + n + " (known: " + String.join(", ", byName.keySet()) + ")");
            }
            if (list.contains(c)) {
                throw new ProfileException("configuration " + n + " given twice");
            }
            list.add(c);
        }
        if (list.isEmpty()) {
            throw new ProfileException("no configuration given");
        }
        return list;
    }

    public Map<String, SmtConfiguration> all() {
        return java.util.Collections.unmodifiableMap(byName);
    }
}
