using Tokenizer.AppHost.Hosting;

// Aspire generates these from the AppHost's project references; without Aspire they are written by hand.
// Paths are relative to the repository root.
#pragma warning disable CA1707, IDE1006 // Names follow Aspire's generated Projects.Tokenizer_Identity style.
namespace Projects
{
    public sealed class Tokenizer_Identity : IProjectMetadata
    {
        public static string ProjectPath => "services/Identity/Tokenizer.Identity.csproj";
    }

    public sealed class Tokenizer_TokenAdmin : IProjectMetadata
    {
        public static string ProjectPath => "services/TokenAdmin/Tokenizer.TokenAdmin.csproj";
    }

    public sealed class Tokenizer_LedgerData : IProjectMetadata
    {
        public static string ProjectPath => "services/LedgerData/Tokenizer.LedgerData.csproj";
    }

    public sealed class Tokenizer_Monitor : IProjectMetadata
    {
        public static string ProjectPath => "services/Monitor/Tokenizer.Monitor.csproj";
    }

    public sealed class Tokenizer_Gateway : IProjectMetadata
    {
        public static string ProjectPath => "gateway/Tokenizer.Gateway.csproj";
    }
}
