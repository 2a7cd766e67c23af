namespace Tokenizer.AppHost;

/// <summary>The AppHost's own short options, mapped onto the configuration keys they stand for.</summary>
public static class AppHostCommandLine
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "--AppHost:DataDir",
        ["--gateway-port"] = "--Gateway:Port",
        ["--trace-sample-ratio"] = "--Telemetry:TraceSampleRatio",
    };

    public const string Help = """
        Tokenizer.AppHost: the whole platform for a local run, under .NET Aspire (DCP and the dashboard).

        Options (command line, environment or appsettings.json):
          --gateway-port <port>        the gateway's port (Gateway:Port, default 8080; 0 takes a free one)
          --data-dir <folder>          servers' data and generated credentials (AppHost:DataDir, default .tokenizer/)
          --trace-sample-ratio <r>     share of traces every service records, 0–1 (Telemetry:TraceSampleRatio,
                                       default 1: all; 0.1 for a load run, decided once per trace at its root)
          --environment <name>         Development (default under script/server) or another; passed to every service
          --Anvil:BlockTimeSeconds=<s> an empty block every s seconds besides one per transaction (default 1; 0: none)
          --Anvil:Path=<file>  --Postgres:BinDirectory=<dir>  --Redis:ServerPath=<file>
          --RabbitMQ:ServerPath=<file>  --RabbitMQ:EpmdPath=<file>

        Existing servers are used instead of started ones when their connection strings are set, for example
          ConnectionStrings__postgres="Host=db;Username=u;Password=p"   (databases are created on it when missing)
          ConnectionStrings__redis="cache:6379,password=p"   ConnectionStrings__rabbitmq="amqp://u:p@mq:5672/"
          ConnectionStrings__chain="http://node:8545"

        The dashboard listens on ASPNETCORE_URLS (http://127.0.0.1:18888 in Development); its login URL is printed
        when the platform is up. Ctrl+C stops everything.
        """;

    /// <summary>Arguments with the short options rewritten; <c>--opt value</c> and <c>--opt=value</c> both work.</summary>
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>(args.Length);
        foreach (var arg in args)
        {
            var (name, value) = arg.Split('=', 2) is [var n, var v] ? (n, "=" + v) : (arg, "");
            result.Add(Switches.TryGetValue(name, out var key) ? key + value : arg);
        }

        return [.. result];
    }

    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");
}
