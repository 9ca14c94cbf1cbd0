using TrainSwarm.Client;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Commands;

/// <summary>Talking to a coordinator from a command: every refusal or network failure becomes one line for the user.</summary>
internal static class Remote
{
    /// <summary>A client of the coordinator at <paramref name="url"/> (already checked by the --coordinator option).</summary>
    public static SwarmClient Client(string url, ActorKey? key = null) => new(new Uri(url), key);

    /// <summary>
    /// Runs <paramref name="call"/>; a ProblemDetails reply becomes "<paramref name="what"/>: STATUS TITLE: DETAIL" and an
    /// unreachable coordinator "cannot reach the coordinator at URL: ...", both exit 1.
    /// </summary>
    public static async Task<T> CallAsync<T>(SwarmClient client, string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SwarmApiException e)
        {
            throw new CliException($"{what}: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the coordinator at {client.BaseAddress}: {e.Message}");
        }
    }

    /// <summary>Same as <see cref="CallAsync{T}(SwarmClient, string, Func{Task{T}})"/> for a call with no result.</summary>
    public static Task CallAsync(SwarmClient client, string what, Func<Task> call) =>
        CallAsync(client, what, async () =>
        {
            await call();
            return 0;
        });

    /// <summary>"ts1abcdef0…": enough of an address to tell actors apart in a table.</summary>
    public static string Short(string address) => address.Length > 11 ? address[..11] + "…" : address;
}
