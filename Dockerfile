# One image per host: docker build --build-arg PROJECT=Gateway|Consumers|Sagas .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT=Gateway
WORKDIR /src
COPY . .
RUN dotnet publish src/${PROJECT} -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG PROJECT=Gateway
ENV PROJECT=${PROJECT} \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app .
USER app
ENTRYPOINT ["sh", "-c", "exec dotnet GitLabBus.${PROJECT}.dll"]
