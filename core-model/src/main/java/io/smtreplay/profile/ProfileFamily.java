package io.smtreplay.profile;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A profile and the variants of it that the calibration data cannot tell apart (how many L1
 * traps Table 1's cpuid made, what a hardware handoff costs…). Projections run under every
 * member and print the range they span beside the central profile's figure: the band.
 *
 * @param central     the profile projections are reported under
 * @param description what the members vary and why the data cannot decide it
 * @param members     the variants, the central one not included; empty for a profile without a family
 */
public record ProfileFamily(CostProfile central, String description, List<Member> members) implements Serializable {

    /**
     * One variant.
     *
     * @param name       short name ({@code k0}, {@code hw-handoff-100ns})
     * @param assumption what this variant assumes that the central profile does not
     * @param profile    its costs
     */
    public record Member(String name, String assumption, CostProfile profile) implements Serializable {
        public Member {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(assumption, "assumption");
            Objects.requireNonNull(profile, "profile");
        }
    }

    public ProfileFamily {
        Objects.requireNonNull(central, "central");
        description = description == null ? "" : description;
        members = List.copyOf(members);
        if (members.stream().map(Member::name).distinct().count() != members.size()) {
            throw new IllegalArgumentException("profile " + central.name() + ": family member names repeat");
        }
    }

    /** A profile alone: its band is its own figure. */
    public static ProfileFamily of(CostProfile profile) {
        return new ProfileFamily(profile, "", List.of());
    }

    /** The central profile first, then every member. */
    public List<CostProfile> allProfiles() {
        List<CostProfile> all = new ArrayList<>();
        all.add(central);
        members.forEach(m -> all.add(m.profile()));
        return all;
    }

    /** The same family with one parameter set to {@code ns} in every profile (a sweep step). */
    public ProfileFamily withParameter(String parameter, long ns) {
        List<Member> swept = members.stream()
                .map(m -> new Member(m.name(), m.assumption(), m.profile().withParameter(parameter, ns)))
                .toList();
        return new ProfileFamily(central.withParameter(parameter, ns), description, swept);
    }
}
