namespace TrainSwarm.Learning.Data;

public sealed partial class DatasetLocator
{
    // A progress line every 16 MiB: CIFAR and EMNIST are hundreds of MiB, and a silent minute looks like a hang.
    private const long ProgressStep = 16L << 20;

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
            FileDigest digest;
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                await using (fs.ConfigureAwait(false))
                {
                    using var hash = new FileDigest.Builder(withMd5: file.Sha256 is null);
                    byte[] buffer = new byte[81920];
                    int n;
                    long received = 0, nextReport = ProgressStep;
                    while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash.Append(buffer.AsSpan(0, n));
                        await fs.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                        received += n;
                        if (received >= nextReport)
                        {
                            _log?.Invoke($"  {file.FileName}: {received / (1024 * 1024)} MiB" + (response.Content.Headers.ContentLength is long total
                                ? $" of {total / (1024 * 1024)} MiB" : ""));
                            nextReport += ProgressStep;
                        }
                    }
                    await fs.FlushAsync(cancellationToken).ConfigureAwait(false);
                    digest = hash.Finish();
                }
            }
            if (!file.Accepts(digest.Sha256, digest.Md5))
            {
                throw new DataFormatException(url.ToString(), $"downloaded {digest.Describe(file)}, expected {file.Expected}; the download was discarded");
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
