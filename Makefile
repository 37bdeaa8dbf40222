# Stillmotion — one-JVM run, tests, benchmarks and the docker compose production shape.
# `make help` lists the targets.

SHELL := /bin/bash
MVN ?= mvn -B -q
COMPOSE ?= docker compose -f compose/docker-compose.yml --env-file compose/.env
WORKERS ?= 2
STANDALONE_JAR := standalone/target/stillmotion-standalone.jar
SHARED_DIR ?= $(CURDIR)/../shared
# JVM flags of `make run` and of the service in `make bench` (README, "Speed of the service" and "Cold
# start"; the JIT flags measured for the first video are in docs/performance.md). C2 inlines a hot
# method only up to 100 bytes of bytecode instead of 325: the first video's compiles are smaller and
# done sooner (docs/performance.md, stop 25). Java thread priorities reach Linux (a render's threads
# ask for the lowest, so the JIT compiler gets a core of its own during the first video; stop 26): the
# JVM then warns a non-root user that the flag "may require" root, which only raising a priority does.
# RUN_JAVA_OPTS comes after them (a later -XX flag wins). worker-verticle/Dockerfile sets the same
# flags in its JAVA_TOOL_OPTIONS: change both together.
SERVICE_JAVA_OPTS := -XX:FreqInlineSize=100 -XX:ThreadPriorityPolicy=1
RUN_JAVA_OPTS ?=
# `make run`'s class data sharing archive (README, "Cold start"): trained by `make build` from the
# jars just built, used by `make run` only while it matches them and the java on the PATH.
CDS_DIR := standalone/target/cds
CDS_ARCHIVE := $(CDS_DIR)/standalone.jsa
# The java that made the archive and the jars it was made from; the JVM also refuses an archive when a
# jar's time changed, so none may be newer than the archive.
CDS_CURRENT = { java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.vm.version = //p'; \
  cksum $(STANDALONE_JAR) standalone/target/lib/*.jar 2>/dev/null | sort -k3; }
CDS_USABLE = [ -f $(CDS_ARCHIVE) ] && diff -q $(CDS_DIR)/made-from.txt <($(CDS_CURRENT)) >/dev/null 2>&1 \
  && [ -z "$$(find $(STANDALONE_JAR) standalone/target/lib -newer $(CDS_ARCHIVE) 2>/dev/null)" ]

.DEFAULT_GOAL := help
.PHONY: help build cds frontend run test test-java test-frontend e2e bench bench-service bench-service-only chaos check-compose \
        up up_build down logs ps smoke clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend: frontend/node_modules/.package-lock.json ## Build the web UI into frontend/dist
	cd frontend && npm run build

build: frontend ## Build everything (jars under */target, UI under frontend/dist)
	$(MVN) -DskipTests install
	@$(MAKE) --no-print-directory cds

# A training run in one JVM (io.stillmotion.standalone.CdsTraining: the whole system on a temporary
# directory, one short video, nothing outside the JVM) with -XX:ArchiveClassesAtExit. Skipped while the
# archive still matches; never fails the build: without an archive `make run` starts as before.
cds: ## (Re)make make run's class data sharing archive when the jars or the java changed
	@mkdir -p $(CDS_DIR); \
	if $(CDS_USABLE); then exit 0; fi; \
	v=$$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'); \
	if [ "$${v%%.*}" -ge 23 ] 2>/dev/null; then \
	  echo "make cds: no class data sharing archive with java $$v (its training run needs the embedded broker: JDK 17-22)"; exit 0; fi; \
	rm -f $(CDS_ARCHIVE) $(CDS_DIR)/made-from.txt; \
	echo "make cds: training the class data sharing archive of make run (one short video in a JVM of its own)"; \
	start=$$SECONDS; \
	if java -XX:ArchiveClassesAtExit=$(CDS_ARCHIVE).tmp -cp $(STANDALONE_JAR) io.stillmotion.standalone.CdsTraining \
	    >$(CDS_DIR)/training.log 2>&1 && [ -s $(CDS_ARCHIVE).tmp ]; then \
	  mv $(CDS_ARCHIVE).tmp $(CDS_ARCHIVE) && $(CDS_CURRENT) >$(CDS_DIR)/made-from.txt; \
	  echo "make cds: $(CDS_ARCHIVE) made in $$((SECONDS - start)) s"; \
	else \
	  rm -f $(CDS_ARCHIVE).tmp; \
	  echo "make cds: no archive (see $(CDS_DIR)/training.log); make run starts without one"; \
	fi

run: build ## Run the whole system in one JVM on the embedded servers (data in ./data)
	@v=$$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'); \
	if [ -z "$$AMQP_URI" ] && [ "$${v%%.*}" -ge 23 ] 2>/dev/null; then \
	  echo "make run: this java is $$v; the embedded AMQP broker needs JDK 17-22 (or set AMQP_URI to a RabbitMQ)" >&2; exit 2; fi
	@cds=; if $(CDS_USABLE); then cds=-XX:SharedArchiveFile=$(CDS_ARCHIVE); fi; \
	echo java $(SERVICE_JAVA_OPTS) $(RUN_JAVA_OPTS) $$cds -jar $(STANDALONE_JAR); \
	exec java $(SERVICE_JAVA_OPTS) $(RUN_JAVA_OPTS) $$cds -jar $(STANDALONE_JAR)

test: test-java test-frontend check-compose ## Run the test suites (Java, UI unit tests, compose file check)

test-java: ## Java unit and integration tests (real RabbitMQ when TEST_AMQP_URI is set)
	mvn -B -ntp install $(if $(TEST_AMQP_URI),-Dtest.amqp.uri=$(TEST_AMQP_URI))

test-frontend: frontend/node_modules/.package-lock.json ## Web UI unit tests (Vitest)
	cd frontend && npm test

e2e: build ## Browser test (Debian chromium) against a freshly started system
	scripts/e2e.sh

bench: ## Benchmarks: render/encode speed and quality, then the service end to end against ffmpeg, and HTTP load
	$(MVN) -DskipTests install
	$(MVN) -pl render-engine exec:java -Dexec.classpathScope=test \
	  -Dexec.mainClass=io.stillmotion.render.bench.RenderBench -Dshared.dir=$(SHARED_DIR)
	$(MVN) -pl render-engine exec:java -Dexec.classpathScope=test \
	  -Dexec.mainClass=io.stillmotion.render.bench.StoryBench -Dshared.dir=$(SHARED_DIR)
	$(MVN) -pl render-engine exec:java -Dexec.classpathScope=test \
	  -Dexec.mainClass=io.stillmotion.render.FocusBench -Dshared.dir=$(SHARED_DIR)
	for photo in path-2560x1600.jpg colorful-cups-2560x1600.jpg; do \
	  $(MVN) -pl render-engine exec:java -Dexec.classpathScope=test \
	    -Dexec.mainClass=io.stillmotion.render.h264.EncoderBench \
	    -Dexec.args="$(SHARED_DIR)/testdata/photos/$$photo 1280 720" || exit 1; \
	done
	$(MAKE) --no-print-directory bench-service-only

bench-service: ## Only the service: upload to FINISHED against ffmpeg's CLI, and HTTP load
	$(MVN) -DskipTests install
	$(MAKE) --no-print-directory bench-service-only

bench-service-only:
	$(MVN) -pl standalone exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
	  "-Dexec.args=$(SERVICE_JAVA_OPTS) $(RUN_JAVA_OPTS) -Dshared.dir=$(SHARED_DIR) -cp %classpath io.stillmotion.standalone.bench.HttpBench"

chaos: ## Fault tests: killed workers, broker restarts, bursts (slow)
	$(MVN) -DskipTests install
	$(MVN) -pl standalone verify -Pchaos

check-compose: ## Validate the compose files and Dockerfiles with Node alone (schema, rules)
	bash compose/check.sh

compose/.env:
	bash compose/init-env.sh

up: compose/.env ## Production shape with docker compose (WORKERS=n workers, UI on :3000)
	$(COMPOSE) up -d --scale worker=$(WORKERS)

up_build: compose/.env ## Same as up, rebuilding the images first
	$(COMPOSE) up -d --build --scale worker=$(WORKERS)

down: compose/.env ## Stop the compose stack (volumes kept)
	$(COMPOSE) down

logs: compose/.env ## Follow the compose logs
	$(COMPOSE) logs -f --tail=200

ps: compose/.env ## Show the compose services
	$(COMPOSE) ps

smoke: compose/.env ## Compose smoke test on a Docker host (up, upload, wait, fetch video, down)
	bash compose/smoke.sh

clean: ## Remove build output (keeps ./data)
	$(MVN) clean
	rm -rf frontend/dist
