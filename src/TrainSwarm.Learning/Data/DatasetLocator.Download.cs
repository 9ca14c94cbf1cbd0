using System.Security.Cryptography;

namespace TrainSwarm.Learning.Data;

public sealed partial class DatasetLocator
{
    // Files already cached are checked and kept; a wrong one is replaced. Each download goes to a temporary
    // file in the cache directory and is moved into place only once its digest is right, so a crash or a bad
    // transfer never leaves a file with a canonical name and the wrong bytes.
    private async Task FillCacheAsync(DatasetEntry entry, string cache, CancellationToken cancellationToken)
    {
        if (entry.DownloadBase is null)
        {
            throw new InvalidOperationException($"dataset '{entry.Name}' has no download URL; give its directory");
        }
        Directory.CreateDirectory(cache);
        foreach (DatasetFile file in entry.Files)
        {
            string target = Path.Combine(cache, file.FileName);
            if (File.Exists(target))
            {
                try
                {
                    Verify(target, file);
                    continue;
                }
                catch (DataFormatException e)
                {
                    _log?.Invoke($"replacing {target}: {e.Message}");
                }
            }
            await DownloadAsync(new Uri(entry.DownloadBase, file.FileName), file, target, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DownloadAsync(Uri url, DatasetFile file, string target, CancellationToken cancellationToken)
    {
        _log?.Invoke($"downloading {url}");
        string temp = Path.Combine(Path.GetDirectoryName(target)!, $".{file.FileName}.{Guid.NewGuid():N}.part");
        HttpClient http = _http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            using HttpResponseMessage response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {url}: {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }
            string digest;
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                await using (fs.ConfigureAwait(false))
                {
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    byte[] buffer = new byte[81920];
                    int n;
                    while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, n);
                        await fs.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    }
                    await fs.FlushAsync(cancellationToken).ConfigureAwait(false);
                    digest = Convert.ToHexStringLower(hash.GetHashAndReset());
                }
            }
            if (digest != file.Sha256)
            {
                throw new DataFormatException(url.ToString(), $"downloaded SHA-256 is {digest}, expected {file.Sha256}; the download was discarded");
            }
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (_http is null) http.Dispose();
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
