using Microsoft.AspNetCore.Components;
using TrainSwarm.Dashboard.Services;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Components.Shared;

/// <summary>
/// A page that shows coordinator data and keeps it current without reloads: it loads once, then reloads shortly after
/// each relevant event (bursts of events cause one reload) and, optionally, on a timer.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private Timer? _debounce;
    private Timer? _poll;
    private int _pending;
    private bool _disposed;

    [Inject] protected CoordinatorLink Link { get; set; } = default!;
    [Inject] protected LiveEvents Live { get; set; } = default!;

    /// <summary>Why the last load failed, in words; null when it worked.</summary>
    protected string? LoadError { get; private set; }

    /// <summary>True once the first load finished (with or without error).</summary>
    protected bool Loaded { get; private set; }

    /// <summary>Reload on a timer too (for things without events, such as node heartbeats); null: events only.</summary>
    protected virtual TimeSpan? PollInterval => null;

    /// <summary>Loads what the page shows.</summary>
    protected abstract Task LoadAsync(CancellationToken cancellation);

    /// <summary>Whether <paramref name="e"/> changes what this page shows.</summary>
    protected virtual bool IsRelevant(SwarmEvent e) => true;

    /// <summary>Called for every relevant event before the reload (on the renderer's thread).</summary>
    protected virtual void OnEvent(SwarmEvent e)
    {
    }

    protected override async Task OnInitializedAsync()
    {
        Live.Received += OnReceived;
        Live.EnsureStarted();
        await ReloadAsync();
        if (PollInterval is { } interval)
            _poll = new Timer(_ => _ = InvokeAsync(ReloadAndRenderAsync), null, interval, interval);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (Loaded)
            await ReloadAsync(); // the route changed (another job or node) while the page stayed
    }

    /// <summary>Loads again and remembers any failure as <see cref="LoadError"/>.</summary>
    protected async Task ReloadAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await LoadAsync(timeout.Token);
            LoadError = null;
        }
        catch (Exception error) when (error is not ObjectDisposedException)
        {
            LoadError = Problems.Describe(error);
        }
        Loaded = true;
    }

    private async Task ReloadAndRenderAsync()
    {
        if (_disposed)
            return;
        Interlocked.Exchange(ref _pending, 0);
        await ReloadAsync();
        StateHasChanged();
    }

    private void OnReceived(SwarmEvent e)
    {
        if (_disposed || !IsRelevant(e))
            return;
        _ = InvokeAsync(() => OnEvent(e));
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _debounce?.Dispose();
            _debounce = new Timer(_ => _ = InvokeAsync(ReloadAndRenderAsync), null, TimeSpan.FromMilliseconds(250), Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Live.Received -= OnReceived;
        _debounce?.Dispose();
        _poll?.Dispose();
        GC.SuppressFinalize(this);
    }
}
