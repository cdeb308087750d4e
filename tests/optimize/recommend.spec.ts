import { expect } from "chai";
import { configKeyFor } from "../../src/optimize/emit-pulumi";
import { estimateDurationFactor, recommendMemory } from "../../src/optimize/recommend";

describe("optimize: recommendMemory", () => {
  it("rounds peak x (1 + headroom) up to 64 MB, never below 128", () => {
    // 100 x 1.2 = 120 -> 128 (floor); 107 x 1.2 = 128.4 -> 192; 160 x 1.2 = 192 -> 192 exactly.
    expect(recommendMemory(100, 1024, 0.2, 768).recommended).to.equal(128);
    expect(recommendMemory(107, 1024, 0.2, 768).recommended).to.equal(192);
    expect(recommendMemory(160, 1024, 0.2, 768).recommended).to.equal(192);
  });

  it("keeps a current size that already has the headroom rather than rounding it up", () => {
    // 166 x 1.2 = 199.2 fits in 200 MB; the 64 MB step would say 256.
    expect(recommendMemory(166, 200, 0.2, 768).recommended).to.equal(200);
    // 150 x 1.2 = 180 exactly: 180 MB keeps the headroom to the MB, so it stays (not 192).
    expect(recommendMemory(150, 180, 0.2, 768).recommended).to.equal(180);
    // 170 x 1.2 = 204 does not fit in 200: grow to 256.
    expect(recommendMemory(170, 200, 0.2, 768).recommended).to.equal(256);
  });

  it("caps at the pack ceiling unless the peak itself reaches it", () => {
    expect(recommendMemory(700, 1024, 0.2, 768)).to.include({
      recommended: 768,
      cappedByPack: true,
      exceedsPackLimit: false,
    });
    expect(recommendMemory(768, 1024, 0.2, 768)).to.include({
      recommended: 960,
      cappedByPack: false,
      exceedsPackLimit: true,
    });
    // Lambda's own maximum still applies.
    expect(recommendMemory(10_000, 10_240, 0.2, 768).recommended).to.equal(10_240);
  });
});

describe("optimize: estimateDurationFactor", () => {
  it("stretches the CPU-bound share by the lost CPU below 1,769 MB and assumes no speed-up when growing", () => {
    // 1024 -> 512 MB, half CPU-bound: 0.5 + 0.5 x (1024/1769)/(512/1769) = 0.5 + 0.5 x 2 = 1.5
    expect(estimateDurationFactor(1024, 512, 0.5)).to.be.closeTo(1.5, 1e-12);
    // 3008 -> 1769 MB: both have a full vCPU, no slow-down.
    expect(estimateDurationFactor(3008, 1769, 1)).to.equal(1);
    // Fully I/O-bound: no slow-down at any size.
    expect(estimateDurationFactor(1024, 128, 0)).to.equal(1);
    expect(estimateDurationFactor(512, 576, 0.5)).to.equal(1);
  });
});

describe("optimize: configKeyFor (--emit pulumi)", () => {
  it("maps a function name to the reference stack key by the one role it names", () => {
    expect(configKeyFor("tap-processor-dev")).to.equal("tap:processorMemoryMb");
    expect(configKeyFor("TAP-Validator-prod")).to.equal("tap:validatorMemoryMb");
    expect(configKeyFor("tap-enricher-pr42")).to.equal("tap:enricherMemoryMb");
    expect(configKeyFor("image-resizer")).to.equal(undefined);
    // Ambiguous names get the JSON patch, not a guess.
    expect(configKeyFor("validator-to-processor-bridge")).to.equal(undefined);
  });
});
