using GitLabBus.Consumers;
using GitLabBus.Runtime.Hosting;

return await RoleHost.RunAsync(args, ConsumersRole.Name, "http://127.0.0.1:8081", (services, settings) => services.AddConsumersRole(settings));
