using System.Text;

namespace TrainSwarm.Client;

/// <summary>
/// Reads a Server-Sent Events stream one event at a time, returning each event's data (its <c>data:</c> lines joined); the rest of an
/// event (id, type) is not needed, since the data names its own sequence and type.
/// </summary>
internal sealed class SseDataReader(Stream stream)
{
    private readonly StreamReader _reader = new(stream);
    private readonly StringBuilder _data = new();

    /// <summary>The next event's data; null at the end of the stream or when the connection dropped (not when cancelled: that throws).</summary>
    public async Task<string?> NextAsync(CancellationToken cancellation)
    {
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(cancellation);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellation.IsCancellationRequested)
            {
                return null;
            }
            if (line is null)
                return null;
            if (line.StartsWith("data:", StringComparison.Ordinal))
                _data.Append(line.AsSpan(5).TrimStart(' '));
            else if (line.Length == 0 && _data.Length > 0)
            {
                var data = _data.ToString();
                _data.Clear();
                return data;
            }
        }
    }
}
