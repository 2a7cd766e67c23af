using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;

namespace Tokenizer.Gateway.Extensions;

/// <summary>
/// Resolves cluster destinations written as service names (<c>http://identity</c>) through .NET service
/// discovery, i.e. from <c>services__identity__http__0</c> as the AppHost or Aspire passes it. Literal addresses
/// pass through unchanged. (Microsoft.Extensions.ServiceDiscovery.Yarp does this; it is not served here.)
/// </summary>
internal sealed class ServiceDiscoveryDestinationFilter(ServiceEndpointResolver resolver, ILogger<ServiceDiscoveryDestinationFilter> logger) : IProxyConfigFilter
{
    public async ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.Destinations is not { Count: > 0 } destinations)
        {
            return cluster;
        }

        var resolved = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, destination) in destinations)
        {
            var uri = new Uri(destination.Address);
            if (!uri.Host.Contains('.') && uri.Host != "localhost" && !System.Net.IPAddress.TryParse(uri.Host, out _))
            {
                var source = await resolver.GetEndpointsAsync(destination.Address, cancel);
                var index = 0;
                foreach (var endpoint in source.Endpoints)
                {
                    var address = endpoint.EndPoint switch
                    {
                        UriEndPoint u => u.Uri.ToString(),
                        System.Net.DnsEndPoint d => $"{uri.Scheme}://{d.Host}:{d.Port}",
                        System.Net.IPEndPoint ip => $"{uri.Scheme}://{ip}",
                        var other => other.ToString()!,
                    };
                    resolved[$"{name}-{index++}"] = destination with { Address = address.TrimEnd('/') + uri.AbsolutePath.TrimEnd('/') };
                }
                if (index == 0)
                {
                    LogUnresolved(logger, cluster.ClusterId, destination.Address);
                }
                continue;
            }
            resolved[name] = destination;
        }
        return cluster with { Destinations = resolved };
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) => ValueTask.FromResult(route);

    private static void LogUnresolved(ILogger logger, string cluster, string address) =>
        logger.LogError("Cluster {Cluster}: no endpoint for {Address}; set services__<name>__http__0", cluster, address);
}
