using Tokenizer.TokenAdmin.Apis;
using Tokenizer.TokenAdmin.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapTokenAdminApis();

await app.MigrateDatabaseAsync();
await app.RunAsync();
