using System.Globalization;
using System.Numerics;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Tests.Primitives;

public class TokenAmountsTests
{
    // Expected strings as ethers v6 `formatUnits(value, decimals)` printed them (node -e, ethers from package-lock.json).
    [Theory]
    [InlineData("100000000000000000000", 18, "100.0")]
    [InlineData("1500000", 6, "1.5")]
    [InlineData("1", 18, "0.000000000000000001")]
    [InlineData("0", 18, "0.0")]
    [InlineData("123456789", 0, "123456789")]
    [InlineData("5000000000000000001", 18, "5.000000000000000001")]
    [InlineData("115792089237316195423570985008687907853269984665640564039457584007913129639935", 18,
        "115792089237316195423570985008687907853269984665640564039457.584007913129639935")]
    public void Base_units_format_as_ethers_formatUnits_does(string baseUnits, int decimals, string expected) =>
        TokenAmounts.FormatUnits(BigInteger.Parse(baseUnits, CultureInfo.InvariantCulture), decimals).Should().Be(expected);
}
