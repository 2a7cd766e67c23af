namespace Tokenizer.AppHost.Hosting;

public interface IResourceBuilder<out T> where T : IResource
{
    IDistributedApplicationBuilder ApplicationBuilder { get; }

    T Resource { get; }
}

internal sealed class ResourceBuilder<T>(IDistributedApplicationBuilder applicationBuilder, T resource) : IResourceBuilder<T>
    where T : Resource
{
    public IDistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;

    public T Resource { get; } = resource;
}

/// <summary>The Aspire-shaped fluent API: references become environment variables, WaitFor gates the start on health.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Passes <c>ConnectionStrings__{name}</c> to the resource.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : Resource
    {
        var target = source.Resource;
        builder.Resource.References.Add((Resource)target);
        builder.Resource.Environment[$"ConnectionStrings__{target.Name}"] = target.GetConnectionString;
        return builder;
    }

    /// <summary>Passes <c>services__{name}__http__0</c> to the resource.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where T : Resource
    {
        var target = source.Resource;
        builder.Resource.References.Add((Resource)target);
        builder.Resource.Environment[$"services__{target.Name}__http__0"] = target.GetHttpUrl;
        return builder;
    }

    /// <summary>Starts the resource only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : Resource
    {
        var resource = (Resource)dependency.Resource;
        if (!builder.Resource.WaitsFor.Contains(resource))
        {
            builder.Resource.WaitsFor.Add(resource);
        }

        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : Resource
    {
        builder.Resource.Environment[name] = () => value;
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, Func<string> value)
        where T : Resource
    {
        builder.Resource.Environment[name] = value;
        return builder;
    }

    /// <summary>Gives a project a fixed port (0 = any free port) instead of a free loopback port.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null, string name = "http")
    {
        if (name != "http")
        {
            throw new ArgumentException("Only the \"http\" endpoint is supported.", nameof(name));
        }

        builder.Resource.FixedPort = port;
        return builder;
    }

    /// <summary>Marks the endpoint as the one to show users; it stays on loopback (this AppHost is for local runs).</summary>
    public static IResourceBuilder<ProjectResource> WithExternalHttpEndpoints(this IResourceBuilder<ProjectResource> builder)
    {
        builder.Resource.IsExternal = true;
        return builder;
    }

    public static IResourceBuilder<T> WithStartTimeout<T>(this IResourceBuilder<T> builder, TimeSpan timeout)
        where T : Resource
    {
        builder.Resource.StartTimeout = timeout;
        return builder;
    }
}
