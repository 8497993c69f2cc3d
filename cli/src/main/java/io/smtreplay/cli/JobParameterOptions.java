package io.smtreplay.cli;

import io.smtreplay.replay.JobParameter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives every option named like a {@link JobParameter} ({@code --window}, {@code --group} ...)
 * that parameter's default and description, so the CLI and the application jar declare them once.
 */
final class JobParameterOptions implements CommandLine.IDefaultValueProvider {

    @Override
    public String defaultValue(ArgSpec arg) {
        return jobParameter(arg).flatMap(JobParameter::defaultValue).orElse(arg.defaultValue());
    }

    /** Sets the description of each job-parameter option of {@code cl}'s commands, recursively. */
    static void describe(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        for (OptionSpec option : List.copyOf(spec.options())) {
            Optional<JobParameter> param = JobParameter.ofOption(option.longestName());
            if (param.isPresent() && option.description().length == 0) {
                String text = param.get().description()
                        + (param.get().defaultValue().isPresent() ? " (default: ${DEFAULT-VALUE})" : "");
                spec.remove(option);
                spec.addOption(option.toBuilder().description(text).build());
            }
        }
        cl.setDefaultValueProvider(new JobParameterOptions());
        cl.getSubcommands().values().forEach(JobParameterOptions::describe);
    }

    private static Optional<JobParameter> jobParameter(ArgSpec arg) {
        return arg instanceof OptionSpec o ? JobParameter.ofOption(o.longestName()) : Optional.empty();
    }
}
