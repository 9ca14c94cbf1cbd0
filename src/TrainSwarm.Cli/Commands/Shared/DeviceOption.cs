using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// `--device auto|cpu|cuda[:N]`, as every command that trains takes it: auto takes GPU 0 when the NVIDIA driver and a device are
/// found, cpu never looks, cuda[:N] must get that GPU. The choice is one grey log line (<see cref="DeviceSelector"/>'s); a cuda
/// request that cannot be served is a one-line error (exit 1).
/// </summary>
internal static class DeviceOption
{
    /// <summary>The option, default auto, with <paramref name="what"/> saying what the GPU does for this command.</summary>
    public static Option<string> Create(string what)
    {
        var device = new Option<string>("--device") { Description = $"{DeviceRequest.Syntax}: {what}", DefaultValueFactory = _ => "auto" };
        device.Validators.Add(r =>
        {
            if (!DeviceRequest.TryParse(r.GetValueOrDefault<string>(), out _, out var error)) r.AddError(error);
        });
        return device;
    }

    /// <summary>The request the option's (validated) <paramref name="value"/> names.</summary>
    public static DeviceRequest Request(string? value)
    {
        DeviceRequest.TryParse(value, out var request, out _);
        return request;
    }

    /// <summary>Chooses the device for <paramref name="request"/> and logs it; a cuda request with no such GPU is a <see cref="CliException"/>.</summary>
    public static DeviceChoice Select(IAnsiConsole console, DeviceRequest request, ICudaProbe? probe = null) =>
        Select(line => Log(console, line), request, probe);

    /// <summary>As <see cref="Select(IAnsiConsole, DeviceRequest, ICudaProbe?)"/>, the device line to <paramref name="log"/>.</summary>
    public static DeviceChoice Select(Action<string> log, DeviceRequest request, ICudaProbe? probe = null)
    {
        try
        {
            return DeviceSelector.Select(request, probe ?? new CudaProbe(), log);
        }
        catch (DeviceUnavailableException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>One grey device line, as the selection's own.</summary>
    public static void Log(IAnsiConsole console, string line) => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
}
