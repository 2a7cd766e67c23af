namespace Tokenizer.Messages.Tokens;

/// <summary>Names of the token controls in <see cref="TokenControlChanged.Control"/>.</summary>
public static class TokenControls
{
    /// <summary>Transfers, mints and burns halted.</summary>
    public const string Paused = "paused";
    /// <summary>Holder-to-holder transfers blocked.</summary>
    public const string TransfersLocked = "transfers_locked";
    /// <summary>An account can neither send nor receive.</summary>
    public const string Frozen = "frozen";
    /// <summary>An account is on a permissioned token's allowlist.</summary>
    public const string Approved = "approved";
}
