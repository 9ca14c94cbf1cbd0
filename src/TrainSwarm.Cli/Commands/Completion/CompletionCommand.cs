using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands.Completion;

/// <summary>
/// `swarm completion bash|zsh|fish`: a shell script that asks swarm itself what may come next, through System.CommandLine's
/// [suggest:POSITION] directive (the protocol dotnet-suggest uses), so completions always match the commands and options
/// of the swarm being run, with nothing to regenerate.
/// </summary>
public static partial class CompletionCommand
{
    private static readonly string[] Shells = ["bash", "zsh", "fish"];

    /// <summary>Builds the `completion` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong(Shells);
        var command = new Command("completion", "Print a shell completion script for swarm's commands, options and values.\n" +
            "bash: source <(swarm completion bash)   zsh (after compinit): source <(swarm completion zsh)   fish: swarm completion fish | source\n" +
            "Example: swarm completion bash > ~/.local/share/bash-completion/completions/swarm")
        {
            shell,
        };
        command.SetAction(parse =>
        {
            context.WriteLine(Script(parse.GetValue(shell)!).TrimEnd('\n'));
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>The script for <paramref name="shell"/>; each calls the program as typed with "[suggest:POS]" and the line up to the cursor.</summary>
    internal static string Script(string shell) => shell switch
    {
        "bash" => """
            # bash completion for swarm (TrainSwarm). Load it with: source <(swarm completion bash)
            _swarm_bash_complete()
            {
                local IFS=$'\n'
                local suggestions
                suggestions="$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)"
                COMPREPLY=( $(compgen -W "${suggestions}" -- "${COMP_WORDS[COMP_CWORD]}") )
            }
            complete -o default -F _swarm_bash_complete swarm ./swarm
            """,
        "zsh" => """
            #compdef swarm
            # zsh completion for swarm (TrainSwarm). Load it (after compinit) with: source <(swarm completion zsh)
            _swarm_zsh_complete()
            {
                local line="${(j: :)words[1,CURRENT]}"
                local -a suggestions
                suggestions=("${(@f)$("${words[1]}" "[suggest:${#line}]" "${line}" 2>/dev/null)}")
                compadd -a suggestions
            }
            compdef _swarm_zsh_complete swarm ./swarm
            """,
        "fish" => """
            # fish completion for swarm (TrainSwarm). Load it with: swarm completion fish | source
            function __swarm_fish_complete
                set -l line (commandline -cp)
                set -l program (commandline -opc)[1]
                $program "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
            end
            complete -c swarm -f -a '(__swarm_fish_complete)'
            """,
        _ => throw new CliException($"no completion script for '{shell}'; choose bash, zsh or fish", SwarmApp.BadUsage),
    };

    /// <summary>
    /// Shells send the whole line, starting with the program as typed ("swarm", "./swarm", "/opt/bin/swarm"), while the
    /// parser knows its root only by the executable's own name. Drop that first word (and move the cursor with it) so
    /// "[suggest:10]" "swarm job " completes "job " at 4 however swarm was started; other arguments pass unchanged.
    /// </summary>
    public static string[] NormalizeSuggestArgs(string[] args, Command root)
    {
        if (args.Length != 2 || SuggestDirective().Match(args[0]) is not { Success: true } directive)
            return args;
        var line = args[1];
        var position = directive.Groups[1].Success ? int.Parse(directive.Groups[1].Value, CultureInfo.InvariantCulture) : line.Length;
        var start = line.Length - line.TrimStart().Length;
        var end = line.IndexOf(' ', start) is var space and >= 0 ? space : line.Length;
        var first = line[start..end];
        var isProgram = first.Length > 0 && !first.StartsWith('-') && !root.Subcommands.Any(c => c.Name == first);
        if (!isProgram || end == line.Length && position >= end)
            return [$"[suggest:{Math.Clamp(position, 0, line.Length)}]", line];
        var rest = line[end..].TrimStart();
        var removed = line.Length - rest.Length;
        return [$"[suggest:{Math.Clamp(position - removed, 0, rest.Length)}]", rest];
    }

    [GeneratedRegex(@"^\[suggest(?::(\d{1,9}))?\]$")]
    private static partial Regex SuggestDirective();
}
