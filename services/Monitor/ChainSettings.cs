namespace Tokenizer.Monitor;

/// <summary>The Monitor's chain settings (section <c>Chain</c>), named like TokenAdmin's.</summary>
public sealed class ChainSettings
{
    public const string SectionName = "Chain";

    /// <summary>The platform's TokenizerFactory: the tokens it deploys are the ones indexed.</summary>
    public string? FactoryAddress { get; set; }
}
