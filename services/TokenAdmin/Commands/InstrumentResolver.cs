using System.Collections.Concurrent;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.TokenAdmin.Chain;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>
/// Tells whether an address is a platform token, by reading the chain: a Tokenizer token (ERC721 by ERC-165, else
/// ERC20 with decimals) on which the platform signer holds MINTER_ROLE. Until the token registry lands this is the
/// definition; a found token is cached per address (kind and decimals never change), an unknown one is asked again.
/// </summary>
public sealed class InstrumentResolver(EthRpcClient rpc, PlatformChain chain)
{
    private static readonly byte[] Erc721InterfaceId = [0x80, 0xac, 0x58, 0xcd];
    private readonly ConcurrentDictionary<Address, Instrument> _known = new();

    /// <summary>The instrument if it was found before (no chain read), else null.</summary>
    public Instrument? Known(Address address) => _known.GetValueOrDefault(address);

    /// <summary>The instrument, or null when no platform token is at <paramref name="address"/>. Node failures throw.</summary>
    public async Task<Instrument?> FindAsync(Address address, CancellationToken ct)
    {
        if (_known.TryGetValue(address, out var known))
        {
            return known;
        }
        if (address.IsZero || (await rpc.GetCodeAsync(address, BlockTag.Latest, ct)).Length == 0)
        {
            return null;
        }

        Instrument instrument;
        try
        {
            var erc721 = new TokenizerErc721Contract(rpc, address);
            if (await erc721.SupportsInterfaceAsync(Erc721InterfaceId, ct: ct))
            {
                instrument = new Instrument(address, InstrumentKind.Erc721, 0);
            }
            else
            {
                instrument = new Instrument(address, InstrumentKind.Erc20, await new TokenizerErc20Contract(rpc, address).DecimalsAsync(ct: ct));
            }
            if (!await erc721.HasRoleAsync(TokenizerRoles.Minter, chain.Signer, ct: ct))
            {
                return null;
            }
        }
        catch (Exception e) when (e is ContractRevertException or InvalidOperationException or FormatException or InvalidCastException or ArgumentException)
        {
            // Some other contract: it does not answer the Tokenizer ABI.
            return null;
        }
        return _known.GetOrAdd(address, instrument);
    }
}
