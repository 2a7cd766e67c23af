using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Monitor;

/// <summary>The Monitor's chain settings (section <c>Chain</c>), named like TokenAdmin's.</summary>
public sealed class ChainSettings
{
    public const string SectionName = "Chain";

    /// <summary>The platform's TokenizerFactory: the tokens it deploys are the ones indexed.</summary>
    public string? FactoryAddress { get; set; }

    /// <summary>
    /// The platform signer's address (public), when <see cref="FactoryAddress"/> is not set: the factory is then its
    /// CREATE2 address (<see cref="PlatformDeployment"/>), as TokenAdmin derives it from the signer's key.
    /// </summary>
    public string? SignerAddress { get; set; }

    /// <summary>The factory to index, or null when neither setting names one.</summary>
    public Address? Factory =>
        Address.TryParse(FactoryAddress, out var factory) ? factory
        : Address.TryParse(SignerAddress, out var signer) ? PlatformDeployment.Predict(signer).Factory
        : null;
}
