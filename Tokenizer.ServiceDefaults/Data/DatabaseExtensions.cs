using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tokenizer.ServiceDefaults.Data;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers a service's own PostgreSQL database and its migrations.</summary>
public static class DatabaseExtensions
{
    /// <summary>
    /// Registers the <see cref="NpgsqlDataSource"/> for <c>ConnectionStrings:{connectionName}</c> through Aspire.Npgsql
    /// (health check, tracing, metrics) and the <see cref="DatabaseMigrator"/> for the SQL migrations embedded in
    /// <paramref name="migrationsAssembly"/> (files named <c>Data/Migrations/NNNN_name.sql</c>).
    /// </summary>
    public static TBuilder AddServiceDatabase<TBuilder>(this TBuilder builder, string connectionName, Assembly migrationsAssembly)
        where TBuilder : IHostApplicationBuilder
    {
        // A command's span already lasts until its response; the "received-first-response" event Npgsql adds to each
        // one by default is one more record per SQL statement for the dashboard to store, and nobody reads it.
        builder.AddNpgsqlDataSource(connectionName, configureDataSourceBuilder: data =>
            data.ConfigureTracing(tracing => tracing.EnableFirstResponseEvent(false)));
        builder.Services.AddSingleton(sp => new DatabaseMigrator(
            sp.GetRequiredService<NpgsqlDataSource>(), migrationsAssembly,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<DatabaseMigrator>>()));
        return builder;
    }

    /// <summary>
    /// Applies pending migrations before the service takes traffic. This is the one place a service migrates;
    /// concurrent replicas serialise on an advisory lock.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default) =>
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
}
