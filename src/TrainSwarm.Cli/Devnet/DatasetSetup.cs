using System.Diagnostics;
using Spectre.Console;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Cli.Devnet;

/// <summary>
/// Finds Fashion-MNIST for a devnet: the usual places first; then, where apt can be used (Debian, as root), Debian's
/// dataset-fashion-mnist package; then the canonical download with SHA-256 checks. If all fail, says what to do.
/// </summary>
internal static class DatasetSetup
{
    public static async Task<string> FashionMnistAsync(IAnsiConsole console, string? userPath, CancellationToken cancellation)
    {
        var locator = new DatasetLocator(log: line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
        try
        {
            return await locator.LocateAsync(FashionMnist.Entry, userPath, allowDownload: false, cancellation);
        }
        catch (FileNotFoundException) when (userPath is null)
        {
        }
        catch (DirectoryNotFoundException) when (userPath is null)
        {
        }
        if (File.Exists("/usr/bin/apt-get") && Environment.UserName == "root")
        {
            console.MarkupLine("Fashion-MNIST not found: installing Debian's [bold]dataset-fashion-mnist[/] with apt-get");
            if (await RunAsync("apt-get", ["install", "-y", "-q", "dataset-fashion-mnist"], cancellation) != 0)
                await RunAsync("apt-get", ["update", "-q"], cancellation);
            await RunAsync("apt-get", ["install", "-y", "-q", "dataset-fashion-mnist"], cancellation);
            try
            {
                return await locator.LocateAsync(FashionMnist.Entry, null, allowDownload: false, cancellation);
            }
            catch (FileNotFoundException)
            {
            }
        }
        console.MarkupLine("Fashion-MNIST not found locally: downloading it (SHA-256 checked)");
        try
        {
            return await locator.LocateAsync(FashionMnist.Entry, null, allowDownload: true, cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException)
        {
            throw new CliException($"Fashion-MNIST is not on this machine and could not be downloaded ({e.Message}); " +
                "install Debian's dataset-fashion-mnist package, or put the four IDX files in a folder and pass --data-dir");
        }
    }

    private static async Task<int> RunAsync(string program, string[] args, CancellationToken cancellation)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info)!;
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(cancellation), process.StandardError.ReadToEndAsync(cancellation));
        await process.WaitForExitAsync(cancellation);
        await drain;
        return process.ExitCode;
    }
}
