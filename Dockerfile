# One image per host: docker build --build-arg PROJECT=Gateway|Consumers|Sagas|Simulator .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT=Gateway
WORKDIR /src
# The project files first: the restore layer is rebuilt only when a package or a reference changes, not for every
# edit of the sources.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/Contracts.csproj src/Contracts/
COPY src/GitLab/GitLab.csproj src/GitLab/
COPY src/Runtime/Runtime.csproj src/Runtime/
COPY src/Consumers/Consumers.csproj src/Consumers/
COPY src/Sagas/Sagas.csproj src/Sagas/
COPY src/Simulator/Simulator.csproj src/Simulator/
COPY src/Gateway/Gateway.csproj src/Gateway/
RUN dotnet restore src/${PROJECT}
COPY src/ src/
RUN dotnet publish src/${PROJECT} -c Release -o /app --nologo --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG PROJECT=Gateway
ENV PROJECT=${PROJECT} \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app .
USER app
# Arguments pass through, so `docker compose run --rm --no-deps gateway token --role admin` runs the token command.
ENTRYPOINT ["sh", "-c", "exec dotnet GitLabBus.${PROJECT}.dll \"$@\"", "--"]
