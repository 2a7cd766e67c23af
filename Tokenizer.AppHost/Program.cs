using Tokenizer.AppHost;

// The platform for a local run under DCP, with the Aspire dashboard: the servers run from Debian and npm binaries
// with their data in .tokenizer/ (or --data-dir), the gateway on http://127.0.0.1:8080 (or --gateway-port).
if (AppHostCommandLine.WantsHelp(args))
{
    Console.WriteLine(AppHostCommandLine.Help);
    return;
}

var builder = DistributedApplication.CreateBuilder(AppHostCommandLine.Normalize(args));

TokenizerTopology.Configure(builder);

builder.Build().Run();
