using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// The key TokenAdmin signs every transaction with, and the factory address that follows from it
/// (<see cref="PlatformDeployment"/>). <c>Parameters:chain-signer-key</c> sets the key; on the AppHost's own anvil
/// a key is generated once per data folder (kept in its secrets file) and funded at every start, so no well-known
/// development key is ever used. <c>Chain:FactoryAddress</c> overrides the derived address for an existing deployment.
/// </summary>
public sealed class PlatformSigner
{
    public const string ParameterName = "chain-signer-key";

    private PlatformSigner(IResourceBuilder<ParameterResource> key, string address, string factoryAddress)
    {
        Key = key;
        Address = address;
        FactoryAddress = factoryAddress;
    }

    public IResourceBuilder<ParameterResource> Key { get; }

    public string Address { get; }

    public string FactoryAddress { get; }

    public static PlatformSigner Add(IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> chain)
    {
        var data = DataFolder.For(builder);
        var configured = builder.Configuration[$"Parameters:{ParameterName}"];
        if (string.IsNullOrEmpty(configured) && chain is not IResourceBuilder<AnvilResource>)
        {
            throw new DistributedApplicationException(
                $"The chain is configured (ConnectionStrings__chain), so the platform's signer must be too: set Parameters__{ParameterName} to the hex private key of a funded account.");
        }

        var hex = string.IsNullOrEmpty(configured)
            ? data.GetOrCreateSecret(ParameterName, NewPrivateKeyHex)
            : configured;
        var address = EthKey.FromHex(hex).Address;
        var factory = builder.Configuration["Chain:FactoryAddress"] is { Length: > 0 } given
            ? given
            : PlatformDeployment.Predict(address).Factory.ToString();
        if (chain is IResourceBuilder<AnvilResource> anvil)
        {
            anvil.WithFundedAccount(address.ToString());
        }

        return new PlatformSigner(data.AddSecretParameter(builder, ParameterName), address.ToString(), factory);
    }

    // 32 random bytes are a valid key unless they fall outside [1, n-1] (odds about 2^-128): then draw again.
    private static string NewPrivateKeyHex()
    {
        while (true)
        {
            var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            try
            {
                _ = EthKey.FromPrivateKey(bytes);
                return Convert.ToHexStringLower(bytes);
            }
            catch (ArgumentException)
            {
            }
        }
    }
}
