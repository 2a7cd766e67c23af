using System.Numerics;
using CsCheck;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Tests.Support;

namespace Tokenizer.Chain.Tests.Properties;

/// <summary>Round-trip properties over generated inputs (CsCheck shrinks any failure to a small case).</summary>
public class PropertyTests
{
    private static readonly string[] Texts = ["", "a", "héllo", "漢字", "😀🚀", "𝄞 music", "\0nul", "line\nbreak", new string('x', 40)];

    private static readonly Gen<AbiType> LeafType = Gen.OneOf(
        Gen.Int[1, 32].Select(n => AbiType.UInt(8 * n)),
        Gen.Int[1, 32].Select(n => AbiType.Int(8 * n)),
        Gen.Int[1, 32].Select(AbiType.FixedBytes),
        Gen.OneOf(AbiType.Address, AbiType.Bool, AbiType.Bytes, AbiType.String));

    private static Gen<AbiType> TypeGen(int depth) => depth >= 2
        ? LeafType
        : Gen.Frequency(
            (4, LeafType),
            (1, TypeGen(depth + 1).Select(AbiType.ArrayOf)),
            (1, TypeGen(depth + 1).Select(Gen.Int[1, 3], AbiType.FixedArrayOf)),
            (1, TypeGen(depth + 1).Array[1, 3].Select(AbiType.Tuple)));

    private static Gen<object?> ValueGen(AbiType type) => type.Kind switch
    {
        AbiKind.UInt => Gen.Byte.Array[type.Size / 8].Select(b => (object?)new BigInteger(b, isUnsigned: true, isBigEndian: true)),
        AbiKind.Int => Gen.Byte.Array[type.Size / 8].Select(b => (object?)new BigInteger(b, isUnsigned: false, isBigEndian: true)),
        AbiKind.Address => Gen.Byte.Array[20].Select(b => (object?)new Address(b)),
        AbiKind.Bool => Gen.Bool.Select(b => (object?)b),
        AbiKind.FixedBytes => Gen.Byte.Array[type.Size].Select(b => (object?)b),
        AbiKind.Bytes => Gen.Byte.Array[0, 80].Select(b => (object?)b),
        AbiKind.String => Gen.OneOf(Texts).Select(s => (object?)s),
        AbiKind.Array => Gen.Int[0, 3].SelectMany(n => Sequence(Enumerable.Repeat(type.Element!, n).ToArray())).Select(v => (object?)v),
        AbiKind.FixedArray => Sequence(Enumerable.Repeat(type.Element!, type.Length).ToArray()).Select(v => (object?)v),
        _ => Sequence(type.Components.ToArray()).Select(v => (object?)v),
    };

    private static Gen<object?[]> Sequence(AbiType[] types)
    {
        var gen = Gen.Const(Array.Empty<object?>());
        foreach (var t in types)
        {
            var element = ValueGen(t);
            gen = gen.SelectMany(prefix => element.Select(v => prefix.Append(v).ToArray()));
        }
        return gen;
    }

    private static readonly Gen<(AbiType[] Types, object?[] Values)> AbiCase =
        TypeGen(0).Array[1, 4].SelectMany(types => Sequence(types).Select(values => (types, values)));

    [Fact]
    public void Abi_decode_of_encode_gives_back_the_values() =>
        AbiCase.Sample(c =>
        {
            var encoded = Abi.Abi.Encode(c.Types, c.Values);
            var decoded = Abi.Abi.Decode(c.Types, encoded);
            AbiValues.DeepEquals(decoded, c.Values).Should().BeTrue();
            Abi.Abi.Encode(c.Types, decoded).Should().Equal(encoded);
        }, iter: 2000, threads: 1, print: c => string.Join(",", c.Types.Select(t => t.Canonical)) + " = " + AbiValues.Show(c.Values));

    private static readonly Gen<RlpItem> RlpGen = Gen.Recursive<RlpItem>((depth, self) => depth >= 3
        ? Gen.Byte.Array[0, 70].Select(b => RlpItem.String(b))
        : Gen.Frequency(
            (3, Gen.Byte.Array[0, 70].Select(b => RlpItem.String(b))),
            (1, self.Array[0, 4].Select(items => RlpItem.List(items)))));

    [Fact]
    public void Rlp_decode_of_encode_gives_back_the_item() =>
        RlpGen.Sample(item =>
        {
            var encoded = Rlp.Encode(item);
            Rlp.Decode(encoded).StructurallyEquals(item).Should().BeTrue();
        }, iter: 2000, threads: 1, print: i => i.ToString());

    [Fact]
    public void Rlp_integers_round_trip_canonically() =>
        Gen.Byte.Array[0, 32].Select(b => new BigInteger(b, isUnsigned: true, isBigEndian: true)).Sample(v =>
        {
            var item = Rlp.Decode(Rlp.EncodeInteger(v));
            item.ToBigInteger().Should().Be(v);
        }, iter: 1000, threads: 1);

    [Fact]
    public void Address_parse_of_format_gives_back_the_address() =>
        Gen.Byte.Array[20].Sample(bytes =>
        {
            var address = new Address(bytes);
            Address.Parse(address.ToString()).Should().Be(address);
            Address.Parse(address.ToLowerHex()).Should().Be(address);
            Address.Parse(address.ToLowerHex().ToUpperInvariant().Replace("0X", "0x")).Should().Be(address);
            address.ToBytes().Should().Equal(bytes);
        }, iter: 1000, threads: 1);

    [Fact]
    public void Signing_then_recovering_gives_the_signer() =>
        Gen.Byte.Array[32].Select(Gen.Byte.Array[32]).Sample((keyBytes, hash) =>
        {
            keyBytes[0] &= 0x7f; // keeps the key below the group order
            keyBytes[31] |= 1;   // and non-zero
            var key = EthKey.FromPrivateKey(keyBytes);
            var signature = key.Sign(hash);
            signature.IsLowS.Should().BeTrue();
            signature.Recover(hash).Should().Be(key.Address);
        }, iter: 300, threads: 1);
}
