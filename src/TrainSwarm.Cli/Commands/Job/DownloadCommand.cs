using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>`swarm job download ID`: saves a job's current (or final) global model as safetensors.</summary>
internal static class DownloadCommand
{
    /// <summary>Builds the `job download` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var jobId = IdArguments.JobId("The job whose model to save");
        var output = new Option<string?>("--output", "-o") { Description = "Where to save the model (default: <job-id>.safetensors in the current folder)" };
        var force = new Option<bool>("--force") { Description = "Replace an existing file" };
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("download", "Save a job's global model (the final one once the job ended) as safetensors, readable by PyTorch and " +
            "Hugging Face tools; prints the path, size and SHA-256.\n" +
            "Refuses to replace an existing file unless --force is given.\n" +
            "Example: swarm job download j0123456789ab --output model.safetensors --coordinator http://10.0.0.5:7070")
        {
            jobId, output, force, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(jobId)!;
            var path = Path.GetFullPath(parse.GetValue(output) ?? $"{id}.safetensors");
            var replace = parse.GetValue(force);
            // Checked before anything is downloaded, and again at the move: a file that appears meanwhile is not replaced either.
            Refuse(path, replace);
            using var client = context.Client(parse.GetValue(coordinator)!);
            var job = await Remote.CallAsync(client, $"cannot read job {id}", () => client.JobAsync(id, cancellation));
            var bytes = await Remote.CallAsync(client, $"cannot download the model of job {id}", () => client.DownloadModelAsync(id, cancellation));
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            Save(path, bytes, replace, cancellation);
            context.Output(new { jobId = id, path, bytes = bytes.LongLength, sha256, roundsDone = job.RoundsDone, status = job.Status },
                parse.GetValue(json), _ =>
            {
                var w = context.Out;
                w.WriteLine($"saved the model of job {id} ({job.Status.ToString().ToLowerInvariant()}, after {job.RoundsDone} of {job.Spec.Rounds} " +
                    $"rounds) to {path}");
                w.WriteLine($"size: {bytes.LongLength.ToString("N0", CultureInfo.InvariantCulture)} bytes");
                w.WriteLine($"sha256: {sha256}");
            });
            return SwarmApp.Success;
        });
        return command;
    }

    private static void Refuse(string path, bool replace)
    {
        if (Directory.Exists(path))
            throw new CliException($"{path} is a folder; give a file path with --output");
        if (File.Exists(path) && !replace)
            throw new CliException($"{path} already exists; pass --force to replace it, or choose another --output");
    }

    /// <summary>Writes beside the target, then moves into place: a failed or interrupted download never leaves half a model.</summary>
    private static void Save(string path, byte[] bytes, bool replace, CancellationToken cancellation)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.part";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            cancellation.ThrowIfCancellationRequested();
            File.Move(temporary, path, overwrite: replace);
        }
        catch (IOException) when (File.Exists(path) && !replace)
        {
            throw new CliException($"{path} already exists; pass --force to replace it, or choose another --output");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write the model to {path}: {e.Message}");
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }
}
