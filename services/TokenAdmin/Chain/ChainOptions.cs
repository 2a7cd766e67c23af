namespace Tokenizer.TokenAdmin.Chain;

/// <summary>TokenAdmin's chain settings (section <c>Chain</c>).</summary>
public sealed class ChainOptions
{
    public const string SectionName = "Chain";

    /// <summary>The platform signer's private key (hex). A secret: from the AppHost's parameter or a mounted secret.</summary>
    public string? SignerPrivateKey { get; set; }

    /// <summary>
    /// The TokenizerFactory every token is deployed through; unset, the CREATE2 address that follows from the signer
    /// (<see cref="Tokenizer.Chain.Contracts.PlatformDeployment"/>), which the Monitor derives the same way.
    /// </summary>
    public string? FactoryAddress { get; set; }

    /// <summary>
    /// Deploy the implementations and the factory through the CREATE2 deployer when they are missing (local chains).
    /// Off by default: a production factory is deployed once, deliberately.
    /// </summary>
    public bool DeployPlatformContracts { get; set; }

    /// <summary>How long a self-service write waits for its receipt before answering 502 (the transaction may still land).</summary>
    public TimeSpan ReceiptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often receipts are polled.</summary>
    public TimeSpan ReceiptPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long one read of the base fee and tip prices transactions (about a block time; zero reads them for each).
    /// The fee is 2 × base fee + tip, so a second-old base fee still clears the next blocks.
    /// </summary>
    public TimeSpan FeeCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the signer's nonces are checked for a gap the node would stall on.</summary>
    public TimeSpan NonceGapCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A nonce the node lacks counts as a gap once a higher one has been on record this long (a group being broadcast
    /// right now is not a gap).
    /// </summary>
    public TimeSpan NonceGapAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound on maxFeePerGas (wei); null: no cap.</summary>
    public System.Numerics.BigInteger? MaxFeePerGas { get; set; }
}
