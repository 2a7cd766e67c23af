using System.Numerics;
using BenchmarkDotNet.Attributes;
using Nethereum.Contracts;
using Nethereum.Model;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Benchmarks;

/// <summary>Signing and serialising the EIP-1559 transaction that bench/ethers-sign.mjs also signs.</summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    // Same key and fields as ethers-sign.mjs, so the two figures compare like with like.
    private static readonly EthKey Key = EthKey.FromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    internal static Eip1559Transaction Transaction(ulong nonce) => new()
    {
        ChainId = 1,
        Nonce = nonce,
        MaxPriorityFeePerGas = 1_500_000_000,
        MaxFeePerGas = 30_000_000_000,
        GasLimit = 65_000,
        To = Address.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        Value = 0,
        Data = Hex.Decode("0xa9059cbb0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc00000000000000000000000000000000000000000000003635c9adc5dea00000"),
    };

    private static readonly EthECKey NethereumKey = new("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    private static readonly Transaction1559Signer NethereumSigner = new();
    private const string TransferData = "0xa9059cbb0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc00000000000000000000000000000000000000000000003635c9adc5dea00000";

    private ulong _nonce;

    [Benchmark(Description = "sign+encode EIP-1559")]
    public byte[] SignEip1559() => Transaction(_nonce++ & 0xffff).Sign(Key).Raw;

    /// <summary>Nethereum's default signer (BouncyCastle) on the same fields; the vector tests show it signs identically.</summary>
    [Benchmark(Description = "sign+encode EIP-1559 (Nethereum 6.1 default signer)")]
    public string SignEip1559Nethereum() => NethereumSigner.SignTransaction(NethereumKey, NethereumTransaction(_nonce++ & 0xffff));

    internal static Transaction1559 NethereumTransaction(ulong nonce) => new(1, nonce, 1_500_000_000, 30_000_000_000, 65_000,
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", 0, TransferData, []);
}

/// <summary>Decoding ERC-20 Transfer logs (topics + data → from, to, value).</summary>
[MemoryDiagnoser]
public class LogDecodingBenchmarks
{
    public const int Logs = 1024;
    private Hash32[][] _topics = [];
    private byte[][] _data = [];
    private FilterLog[] _nethereumLogs = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _topics = new Hash32[Logs][];
        _data = new byte[Logs][];
        for (var i = 0; i < Logs; i++)
        {
            var from = new byte[32];
            var to = new byte[32];
            random.NextBytes(from.AsSpan(12));
            random.NextBytes(to.AsSpan(12));
            _topics[i] = [Erc20Transfer.Topic0, new Hash32(from), new Hash32(to)];
            var value = new byte[32];
            random.NextBytes(value.AsSpan(32 - 1 - (i % 31)));
            _data[i] = value;
        }
        // The same logs as a Nethereum client receives them from eth_getLogs.
        _nethereumLogs = _topics.Select((topics, i) => new FilterLog
        {
            Topics = topics.Select(t => (object)t.ToString()).ToArray(),
            Data = Hex.Encode(_data[i]),
        }).ToArray();
    }

    [Benchmark(Description = "decode Transfer log (fast path)", OperationsPerInvoke = Logs)]
    public BigInteger DecodeTransferFast()
    {
        BigInteger sum = 0;
        for (var i = 0; i < Logs; i++)
        {
            if (Erc20Transfer.TryDecode(_topics[i], _data[i], out var t))
            {
                sum += t.Value.IsZero ? 0 : 1;
            }
        }

        return sum;
    }

    [Benchmark(Description = "decode Transfer log (generic EventSignature)", OperationsPerInvoke = Logs)]
    public int DecodeTransferGeneric()
    {
        var n = 0;
        for (var i = 0; i < Logs; i++)
        {
            n += Erc20Transfer.Event.Decode(_topics[i], _data[i]).Values.Length;
        }

        return n;
    }

    [Benchmark(Description = "decode Transfer log (Nethereum 6.1 typed event DTO)", OperationsPerInvoke = Logs)]
    public BigInteger DecodeTransferNethereum()
    {
        BigInteger sum = 0;
        for (var i = 0; i < Logs; i++)
        {
            sum += _nethereumLogs[i].DecodeEvent<NethereumTransferEvent>().Event.Value.IsZero ? 0 : 1;
        }

        return sum;
    }
}

/// <summary>Keccak-256 through the allocation-free span API.</summary>
[MemoryDiagnoser]
public class KeccakBenchmarks
{
    private readonly byte[] _input32 = new byte[32];
    private readonly byte[] _input1024 = new byte[1024];
    private readonly byte[] _output = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        new Random(7).NextBytes(_input32);
        new Random(8).NextBytes(_input1024);
    }

    [Benchmark(Description = "keccak256 32 B")]
    public byte Keccak32()
    {
        Keccak256.Hash(_input32, _output);
        return _output[0];
    }

    [Benchmark(Description = "keccak256 1024 B")]
    public byte Keccak1024()
    {
        Keccak256.Hash(_input1024, _output);
        return _output[0];
    }
}
