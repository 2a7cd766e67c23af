namespace Tokenizer.Contracts.Tests;

internal static class Reverts
{
    /// <summary>Asserts that <paramref name="act"/> throws the named contract error and returns the exception.</summary>
    public static async Task<ContractRevertException> ShouldRevertWith(this Func<Task> act, string errorName)
    {
        var thrown = await act.Should().ThrowAsync<ContractRevertException>();
        thrown.Which.ErrorName.Should().Be(errorName, thrown.Which.Message);
        return thrown.Which;
    }
}
