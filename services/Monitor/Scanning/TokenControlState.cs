namespace Tokenizer.Monitor.Scanning;

/// <summary>A token's controls as of a scan's block.</summary>
public sealed class TokenControlState
{
    public bool Paused { get; set; }
    public bool TransfersLocked { get; set; }
    public HashSet<string> Frozen { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Approved { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// PLATFORM.md's rule: locked when the token is paused, its transfers are locked, the holder is frozen, or the
    /// token is permissioned and the holder is not approved.
    /// </summary>
    public bool IsLocked(string holder, bool permissionless) =>
        Paused || TransfersLocked || Frozen.Contains(holder) || (!permissionless && !Approved.Contains(holder));
}
