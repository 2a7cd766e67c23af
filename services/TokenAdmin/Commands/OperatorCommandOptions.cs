namespace Tokenizer.TokenAdmin.Commands;

/// <summary>Operator command execution and tracking (section <c>OperatorCommands</c>).</summary>
public sealed class OperatorCommandOptions
{
    public const string SectionName = "OperatorCommands";

    /// <summary>How often the tracker looks at receipts and stale commands.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>A command is confirmed when its block is this many blocks deep (1: the block that holds it).</summary>
    public int Confirmations { get; set; } = 1;

    /// <summary>A sent transaction without a receipt this long has its stored bytes resent (and is checked for a taken nonce).</summary>
    public TimeSpan RebroadcastAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A sent transaction without a receipt this long (since it or its last replacement was signed) is replaced: same
    /// nonce, both fees raised by <see cref="FeeBumpPercent"/> (EIP-1559 pools ask for at least 10 %).
    /// </summary>
    public TimeSpan BumpAfter { get; set; } = TimeSpan.FromSeconds(12);

    public int FeeBumpPercent { get; set; } = 15;

    /// <summary>A submitted command untouched this long is executed by the tracker (a lost or exhausted message).</summary>
    public TimeSpan SweepAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most commands one tracker round handles.</summary>
    public int BatchSize { get; set; } = 200;
}
