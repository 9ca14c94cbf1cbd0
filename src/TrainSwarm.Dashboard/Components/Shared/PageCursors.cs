namespace TrainSwarm.Dashboard.Components.Shared;

/// <summary>
/// Where a newest-first paged list is: the cursor of the page shown (null: the newest page) and those of the newer pages before
/// it, so "Newer" goes back exactly to the page that was left (cursors are sequence numbers, stable while new rows arrive on top).
/// </summary>
public sealed class PageCursors
{
    private readonly Stack<long?> _newer = new();

    /// <summary>The shown page's <c>before</c> cursor; null for the newest page.</summary>
    public long? Current { get; private set; }

    /// <summary>1 for the newest page, 2 for the one older than it, …</summary>
    public int Number => _newer.Count + 1;

    /// <summary>True on the newest page (where live rows appear).</summary>
    public bool AtNewest => _newer.Count == 0;

    /// <summary>Moves to the older page that starts below <paramref name="next"/> (the shown page's next cursor).</summary>
    public void Older(long next)
    {
        _newer.Push(Current);
        Current = next;
    }

    /// <summary>Moves back to the newer page.</summary>
    public void Newer()
    {
        if (_newer.Count > 0)
            Current = _newer.Pop();
    }

    /// <summary>Back to the newest page (a new filter).</summary>
    public void Reset()
    {
        _newer.Clear();
        Current = null;
    }
}
