using System.Numerics;
using System.Security.Cryptography;
using Tokenizer.Chain.Primitives;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.Bench.Ledger;

/// <summary>
/// Synthetic confirmed mints in the Monitor's own message shape, on this run's own feed (a random factory), so neither
/// the platform's Monitor nor an earlier run shares its sequence space or its event keys.
/// </summary>
public sealed class BenchData
{
    public const string Amount = "1000000000000000000";
    public const string StoredAmount = "1.0";
    public static readonly BigInteger BaseAmount = BigInteger.Pow(10, 18);

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private long _next = 1;

    public BenchData(int instruments, int parties)
    {
        Instruments = [.. Enumerable.Range(0, instruments).Select(_ => RandomAddress())];
        Parties = [.. Enumerable.Range(0, parties).Select(_ => RandomAddress())];
    }

    /// <summary>The feed's factory, EIP-55: also LedgerData's feed key for it.</summary>
    public string Factory { get; } = RandomAddress();

    public string[] Instruments { get; }

    public string[] Parties { get; }

    public static string RandomAddress() => new Address(RandomNumberGenerator.GetBytes(20)).ToString();

    /// <summary>The next <paramref name="count"/> event indexes, never handed out twice in a run.</summary>
    public long Reserve(int count)
    {
        var first = _next;
        _next += count;
        return first;
    }

    /// <summary>Mint number <paramref name="g"/>: one per block, 18 decimals, 1 token.</summary>
    public HistoryEvent Mint(long g) => new(
        "mint", Instruments[g % Instruments.Length], "ERC20", 18, Parties[g % Parties.Length], Hash('c', g), Amount, null,
        Hash('a', g), g, Hash('b', g), 0, Epoch.AddSeconds(g));

    /// <summary>A 0x hash unique to this run, kind and index (16 + 1 + 47 hex digits).</summary>
    public string Hash(char kind, long g) => $"0x{_run}{kind}{g:x47}";
}
