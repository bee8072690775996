# ActorRL: one image for every role. The learner runs `actorrl train`, generator nodes run `actorrl node`.
#   docker build -t actorrl .
#   docker run --rm -v "$PWD/runs:/app/runs" actorrl train                       # learner + local generators
#   docker run --rm --network host actorrl node --role generator \
#       --seed-nodes akka.tcp://actorrl@LEARNER_HOST:4053                       # an extra generator node
# GPU images: build with --build-arg TORCH_BACKEND=cuda on a machine that can restore TorchSharp-cuda-linux,
# and base the runtime stage on an image with the CUDA runtime.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TORCH_BACKEND=cpu
WORKDIR /src
COPY . .
RUN dotnet publish src/ActorRL.Cli/ActorRL.Cli.csproj -c Release -o /app -p:TorchBackend=${TORCH_BACKEND}

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
# Fonts for the text in `actorrl plot` PNGs (the base image has none).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# Runs write here by default (actorrl.run.dir is relative to the working directory).
VOLUME ["/app/runs"]
ENTRYPOINT ["dotnet", "/app/actorrl.dll"]
CMD ["--help"]
