using GitLabBus.Runtime.Hosting;
using GitLabBus.Sagas;

return await RoleHost.RunAsync(args, SagasRole.Name, "http://127.0.0.1:8082", (services, settings) => services.AddSagasRole(settings));
