using System.CommandLine;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>`swarm node config`: show and change the node config file, apply, list and save presets, map and locate datasets.</summary>
public static class ConfigCommand
{
    /// <summary>--config FILE, shared by the node commands that read the config.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var config = NodeConfigStore.ConfigOption();
        var show = new Option<bool>("--show") { Description = "Print every setting (secrets redacted); the default when nothing is changed" };
        var json = context.JsonOption("With --show or --preset list: print JSON");
        var set = new Option<string[]>("--set") { Description = $"Set KEY=VALUE (repeatable; an empty VALUE restores the default). Keys: " +
            $"{NodeConfigKeys.Names}", HelpName = "KEY=VALUE" };
        var preset = new Option<string?>("--preset") { Description = "Apply preset NAME (copies its settings into the config), or 'list' to show " +
            "every preset", HelpName = "NAME|list" };
        var savePreset = new Option<string?>("--save-preset") { Description = "Save the current settings as your own preset NAME", HelpName = "NAME" };
        var addMapping = new Option<string[]>("--add-mapping") { Description = "Train LOCAL when a job asks for REQUESTED (LOCAL must be a known " +
            "dataset or have a path; repeatable)", HelpName = "REQUESTED:LOCAL" };
        var addPath = new Option<string[]>("--add-path") { Description = "Dataset NAME's files are in DIR on this machine (DIR must exist; " +
            "repeatable)", HelpName = "NAME:/DIR" };
        var removeMapping = new Option<string[]>("--remove-mapping") { Description = "Remove the mapping of REQUESTED (repeatable)", HelpName = "REQUESTED" };
        var reset = new Option<bool>("--reset") { Description = "Every setting back to its default (the key_file and saved presets stay)" };

        var command = new Command("config", "Show or change this node's settings (~/.trainswarm/config.json, mode 0600), which swarm node start reads.\n" +
                                            "Changes apply in this order: --reset, --preset, --set, --add-path, --add-mapping, --remove-mapping, " +
                                                "--save-preset.\n" +
                                            "Example: swarm node config --set min_reward=0.05 --set max_parallel=2 --add-path mnist:/data/mnist " +
                                                "--add-mapping digits:mnist")
        {
            config, show, json, set, preset, savePreset, addMapping, addPath, removeMapping, reset,
        };
        command.SetAction(parse =>
        {
            var path = NodeConfigStore.Resolve(parse.GetValue(config), Environment.GetEnvironmentVariable);
            var current = NodeConfigStore.Load(path);
            var exists = File.Exists(path);
            var w = console.Profile.Out.Writer;
            var presetName = parse.GetValue(preset);
            var sets = parse.GetValue(set) ?? [];
            var paths = parse.GetValue(addPath) ?? [];
            var mappings = parse.GetValue(addMapping) ?? [];
            var removals = parse.GetValue(removeMapping) ?? [];
            var saveName = parse.GetValue(savePreset);
            var resetting = parse.GetValue(reset);
            var changing = resetting || sets.Length + paths.Length + mappings.Length + removals.Length > 0 || saveName is not null;

            if (presetName == NodePresets.ListWord)
            {
                if (changing)
                    throw new CliException("--preset list only lists; run the changes separately", SwarmApp.BadUsage);
                if (parse.GetValue(json))
                    w.WriteLine(NodeConfigView.PresetJson(current));
                else
                    console.Write(NodeConfigView.PresetTable(current));
                return SwarmApp.Success;
            }

            // Every change is computed first; the file is written once, only if all of them were valid.
            var next = current;
            var done = new List<string>();
            void Step((NodeConfig Config, string Line) change)
            {
                next = change.Config;
                done.Add(change.Line);
            }
            if (resetting)
                Step(NodeConfigEdits.Reset(next));
            if (presetName is not null)
                Step(NodeConfigEdits.ApplyPreset(next, presetName));
            foreach (var assignment in sets)
                Step(NodeConfigEdits.Set(next, assignment));
            foreach (var pair in paths)
                Step(NodeConfigEdits.AddPath(next, pair));
            foreach (var pair in mappings)
                Step(NodeConfigEdits.AddMapping(next, pair));
            foreach (var requested in removals)
                Step(NodeConfigEdits.RemoveMapping(next, requested));
            if (saveName is not null)
                Step(NodeConfigEdits.SavePreset(next, saveName));
            if (NodeConfigValidation.FirstProblem(next) is { } problem)
                throw new CliException($"not saved: {problem.Message}");

            if (done.Count > 0)
            {
                NodeConfigStore.Save(path, next);
                exists = true;
                // With --json the output is only the JSON, so scripts can parse it.
                if (!parse.GetValue(json))
                {
                    foreach (var line in done)
                        w.WriteLine(line);
                    w.WriteLine($"wrote {path}");
                }
            }
            if (parse.GetValue(show) || parse.GetValue(json) || done.Count == 0)
            {
                if (parse.GetValue(json))
                    w.WriteLine(NodeConfigView.Json(next));
                else
                    foreach (var line in NodeConfigView.Lines(next, path, exists))
                        w.WriteLine(line);
            }
            return SwarmApp.Success;
        });
        return command;
    }
}
