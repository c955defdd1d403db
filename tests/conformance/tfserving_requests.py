#!/usr/bin/python3
"""TensorFlow Serving REST conformance check for a running Maas server.

Drives the server with Python `requests` the way TensorFlow Serving's REST API documentation does
(`requests.post(f"{url}/v1/models/NAME:predict", json={"instances": ...})`), over the demo model
repository (scripts/fetch-models.sh builds .models/repository: small-cnn, minilm, resnet18,
silero-vad), and checks every answer: its shape as TF Serving writes it, and its numbers against the
same request through the KServe v2 route of the same server.

    dotnet run -c Release --project src/Maas.Cli -- serve --model-repository .models/repository &
    /usr/bin/python3 tests/conformance/tfserving_requests.py --url http://localhost:8000

Target interpreter: Debian's /usr/bin/python3 with python3-requests (apt-get install python3-requests).
Exits 0 when every check passes; the last line reads "N passed, N failed".
"""

import argparse
import array
import json
import math
import sys

import requests

TIMEOUT = 60
MODELS = ("small-cnn", "minilm", "resnet18", "silero-vad")
# "This is an example sentence" in MiniLM's WordPiece vocabulary (samples/requests/minilm.json).
SENTENCE_IDS = [101, 2023, 2003, 2019, 2742, 6251, 102]
# The published first values of all-MiniLM-L6-v2's embedding of that sentence.
SENTENCE_EMBEDDING_HEAD = [0.067657, 0.063496, 0.048713]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, check):
        try:
            detail = check()
            self.passed += 1
            print(f"PASS {name}" + (f": {detail}" if detail else ""))
        except Exception as error:  # noqa: BLE001 - report every failure and go on
            self.failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")


def image(seed, height=28, width=28):
    """A deterministic grey image in [0, 1], as nested lists [height][width]."""
    return [[((r * width + c) * seed % 23) / 22.0 for c in range(width)] for r in range(height)]


def flatten(value):
    if isinstance(value, list):
        return [x for item in value for x in flatten(item)]
    return [value]


def same_float32(got, want, what):
    """Asserts two lists of numbers are the same float32 values, bit for bit. JSON numbers parse to
    doubles; array('f') rounds each to float32, which is exact for the shortest round-trip text the
    server writes, so equal bytes mean equal float32 bit patterns."""
    got, want = flatten(got), flatten(want)
    assert len(got) == len(want), f"{what}: {len(got)} values, the KServe v2 route gave {len(want)}"
    got_bits, want_bits = array.array("f", got).tobytes(), array.array("f", want).tobytes()
    if got_bits != want_bits:
        i = next(k for k in range(len(got)) if got_bits[4 * k:4 * k + 4] != want_bits[4 * k:4 * k + 4])
        raise AssertionError(f"{what}: element {i} is {got[i]!r}, the KServe v2 route gave {want[i]!r}")


def expect_ok(response):
    assert response.status_code == 200, f"HTTP {response.status_code}: {response.text[:500]}"
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    return response.json()


def expect_error(response, status, fragment):
    assert response.status_code == status, f"expected HTTP {status}, got {response.status_code}: {response.text[:500]}"
    error = response.json()["error"]
    assert fragment in error, f"error {error!r} lacks {fragment!r}"
    return error


def kserve_infer(url, model, inputs):
    """The same tensors through KServe v2 JSON: name -> (datatype, shape, nested data); returns name -> flat data."""
    body = {"inputs": [{"name": n, "datatype": t, "shape": s, "data": flatten(d)} for n, (t, s, d) in inputs.items()]}
    answer = expect_ok(requests.post(f"{url}/v2/models/{model}/infer", json=body, timeout=TIMEOUT))
    return {o["name"]: o["data"] for o in answer["outputs"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8000", help="base URL of the running server (default %(default)s)")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    checks = Checks()

    try:
        missing = [m for m in MODELS if requests.get(f"{url}/v1/models/{m}", timeout=TIMEOUT).status_code != 200]
    except requests.ConnectionError as error:
        print(f"FAIL reach the server: no server answers at {url} ({error})")
        print("0 passed, 1 failed")
        return 1
    if missing:
        print(f"FAIL demo models: the server at {url} lacks {missing}; run scripts/fetch-models.sh and serve .models/repository")
        print("0 passed, 1 failed")
        return 1

    # --- Model status and metadata ------------------------------------------------------------------
    def status():
        answer = expect_ok(requests.get(f"{url}/v1/models/small-cnn", timeout=TIMEOUT))
        assert answer == {"model_version_status": [
            {"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]}, answer
        one = expect_ok(requests.get(f"{url}/v1/models/small-cnn/versions/1", timeout=TIMEOUT))
        assert one == answer, one
        return json.dumps(answer)

    def metadata():
        answer = expect_ok(requests.get(f"{url}/v1/models/small-cnn/metadata", timeout=TIMEOUT))
        assert answer["model_spec"] == {"name": "small-cnn", "signature_name": "", "version": "1"}, answer["model_spec"]
        signature = answer["metadata"]["signature_def"]["signature_def"]["serving_default"]
        assert signature["method_name"] == "tensorflow/serving/predict"
        tensor = signature["inputs"]["input"]
        assert tensor["dtype"] == "DT_FLOAT", tensor
        assert [d["size"] for d in tensor["tensor_shape"]["dim"]] == ["-1", "1", "28", "28"], tensor
        assert list(signature["outputs"]) == ["logits"]
        sr = expect_ok(requests.get(f"{url}/v1/models/silero-vad/metadata", timeout=TIMEOUT))
        sr = sr["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"]["sr"]
        assert sr["dtype"] == "DT_INT64" and sr["tensor_shape"]["dim"] == [], sr
        return "serving_default: input DT_FLOAT [-1,1,28,28] -> logits"

    checks.run("GET /v1/models/small-cnn[/versions/1]", status)
    checks.run("GET /v1/models/small-cnn/metadata", metadata)

    # --- Predict: row and columnar formats, against the KServe v2 path --------------------------------
    images = [image(3), image(5)]

    def predict_rows():
        answer = expect_ok(requests.post(f"{url}/v1/models/small-cnn:predict", json={"instances": [[i] for i in images]}, timeout=TIMEOUT))
        predictions = answer["predictions"]
        assert len(predictions) == 2 and all(len(p) == 10 for p in predictions), predictions
        reference = kserve_infer(url, "small-cnn", {"input": ("FP32", [2, 1, 28, 28], [[i] for i in images])})["logits"]
        same_float32(predictions, reference, "logits")
        return f"2 x 10 logits, identical to /v2 infer; first {predictions[0][:3]}"

    def predict_columnar():
        answer = expect_ok(requests.post(f"{url}/v1/models/small-cnn/versions/1:predict", json={"inputs": [[images[0]]]}, timeout=TIMEOUT))
        outputs = answer["outputs"]
        assert len(outputs) == 1 and len(outputs[0]) == 10, outputs
        rows = expect_ok(requests.post(f"{url}/v1/models/small-cnn:predict", json={"signature_name": "serving_default", "instances": [[images[0]]]}, timeout=TIMEOUT))
        same_float32(outputs, rows["predictions"], "columnar against row format")
        return "{\"outputs\": [[10 logits]]}, equal to the row format"

    def predict_named_inputs_several_outputs():
        instance = {"input_ids": SENTENCE_IDS, "attention_mask": [1] * len(SENTENCE_IDS), "token_type_ids": [0] * len(SENTENCE_IDS)}
        answer = expect_ok(requests.post(f"{url}/v1/models/minilm:predict", json={"instances": [instance]}, timeout=TIMEOUT))
        prediction = answer["predictions"][0]
        assert sorted(prediction) == ["924", "last_hidden_state"], sorted(prediction)
        hidden = prediction["last_hidden_state"]
        assert len(hidden) == len(SENTENCE_IDS) and len(hidden[0]) == 384
        mean = [sum(token[d] for token in hidden) / len(hidden) for d in range(384)]
        norm = math.sqrt(sum(v * v for v in mean))
        embedding = [v / norm for v in mean]
        for got, want in zip(embedding, SENTENCE_EMBEDDING_HEAD):
            assert abs(got - want) < 1e-4, (embedding[:3], SENTENCE_EMBEDDING_HEAD)
        columnar = expect_ok(requests.post(f"{url}/v1/models/minilm:predict", json={"inputs": {k: [v] for k, v in instance.items()}}, timeout=TIMEOUT))
        assert sorted(columnar["outputs"]) == ["924", "last_hidden_state"]
        reference = kserve_infer(url, "minilm", {k: ("INT64", [1, len(v)], v) for k, v in instance.items()})
        for name in ("last_hidden_state", "924"):
            same_float32(prediction[name], reference[name], f"{name} (row format)")
            same_float32(columnar["outputs"][name], reference[name], f"{name} (columnar format)")
        return f"sentence embedding starts {[round(v, 6) for v in embedding[:3]]} (published {SENTENCE_EMBEDDING_HEAD})"

    def predict_fixed_batch():
        picture = [image(c + 1, 224, 224) for c in range(3)]
        answer = expect_ok(requests.post(f"{url}/v1/models/resnet18:predict", json={"instances": [picture]}, timeout=TIMEOUT))
        features = answer["predictions"][0]
        assert len(features) == 512 and all(len(f) == 1 and len(f[0]) == 1 for f in features), features[:2]
        # TF Serving writes DT_FLOAT as decimals ("0.0", not "0"), so Python reads floats, never ints.
        # ReLU features hold exact zeros, the case an integer-looking writer would get wrong.
        kinds = {type(v).__name__ for v in flatten(features)}
        assert kinds == {"float"} and 0.0 in flatten(features), f"value types {kinds}, zeros: {0.0 in flatten(features)}"
        reference = kserve_infer(url, "resnet18", {"Input247": ("FP32", [1, 3, 224, 224], picture)})
        same_float32(features, reference["Pooling395_Output_0"], "features")
        two = requests.post(f"{url}/v1/models/resnet18:predict", json={"instances": [picture, picture]}, timeout=TIMEOUT)
        error = expect_error(two, 400, "fixed first dimension of 1")
        return f"512 features, identical to /v2 infer; 2 instances -> 400 {error[:70]!r}..."

    def predict_scalar_input_columnar():
        inputs = {"input": [[0.0] * 576], "state": [[[0.0] * 128]] * 2, "sr": 16000}
        rows = requests.post(f"{url}/v1/models/silero-vad:predict", json={"instances": [inputs]}, timeout=TIMEOUT)
        expect_error(rows, 400, "is a scalar (shape []): it has no batch dimension")
        answer = expect_ok(requests.post(f"{url}/v1/models/silero-vad:predict", json={"inputs": inputs}, timeout=TIMEOUT))
        outputs = answer["outputs"]
        assert sorted(outputs) == ["output", "stateN"], sorted(outputs)
        assert outputs["output"][0][0] < 0.1, outputs["output"]
        reference = kserve_infer(url, "silero-vad", {"input": ("FP32", [1, 576], inputs["input"]), "state": ("FP32", [2, 1, 128], inputs["state"]), "sr": ("INT64", [], [16000])})
        for name in ("output", "stateN"):
            same_float32(outputs[name], reference[name], name)
        return f"silence scores {outputs['output'][0][0]:.4f}; row format -> 400 (sr has no batch dimension)"

    def predict_non_finite():
        # requests' json= refuses NaN (allow_nan=False), so send the JSON text as Python's json module writes it.
        body = json.dumps({"instances": [[[[math.nan] * 28] * 28]]})
        assert "NaN" in body
        response = requests.post(f"{url}/v1/models/small-cnn:predict", data=body, headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
        assert "NaN" in response.text, response.text[:200]
        predictions = expect_ok(response)["predictions"]
        assert all(math.isnan(v) for v in predictions[0]), predictions
        return "NaN in, bare NaN tokens out (as TF Serving writes them)"

    checks.run("POST :predict, row format (instances)", predict_rows)
    checks.run("POST /versions/1:predict, columnar format (inputs)", predict_columnar)
    checks.run("POST :predict, named inputs and several outputs (minilm)", predict_named_inputs_several_outputs)
    checks.run("POST :predict, fixed batch dimension (resnet18)", predict_fixed_batch)
    checks.run("POST :predict, scalar input (silero-vad)", predict_scalar_input_columnar)
    checks.run("POST :predict, NaN", predict_non_finite)

    # --- Classify and regress ------------------------------------------------------------------------------
    def classify():
        examples = [{"input": flatten(i)} for i in images]
        answer = expect_ok(requests.post(f"{url}/v1/models/small-cnn:classify", json={"examples": examples}, timeout=TIMEOUT))
        results = answer["results"]
        logits = expect_ok(requests.post(f"{url}/v1/models/small-cnn:predict", json={"instances": [[i] for i in images]}, timeout=TIMEOUT))["predictions"]
        assert [[label for label, _ in r] for r in results] == [[str(c) for c in range(10)]] * 2, results
        same_float32([[score for _, score in r] for r in results], logits, "scores against :predict")
        return f"example 0: {results[0][:2]}..."

    def regress_refused():
        response = requests.post(f"{url}/v1/models/small-cnn:regress", json={"examples": [{"input": flatten(images[0])}]}, timeout=TIMEOUT)
        return expect_error(response, 400, "cannot answer :regress")[:90] + "..."

    checks.run("POST :classify (small-cnn)", classify)
    checks.run("POST :regress on a classifier -> 400", regress_refused)

    # --- Errors: {"error": ...} with the HTTP status, and the server goes on --------------------------------
    def errors():
        both = requests.post(f"{url}/v1/models/small-cnn:predict", json={"instances": [[images[0]]], "inputs": [[images[0]]]}, timeout=TIMEOUT)
        expect_error(both, 400, "both 'instances' and 'inputs'")
        wrong = requests.post(f"{url}/v1/models/small-cnn:predict", json={"instances": [[[["x"] * 28] * 28]]}, timeout=TIMEOUT)
        expect_error(wrong, 400, "is a string, but the model's input is DT_FLOAT")
        signature = requests.post(f"{url}/v1/models/small-cnn:predict", json={"signature_name": "predict_images", "instances": [[images[0]]]}, timeout=TIMEOUT)
        expect_error(signature, 400, "'serving_default'")
        unknown = requests.post(f"{url}/v1/models/half:predict", json={"instances": [1.0, 5.0]}, timeout=TIMEOUT)
        expect_error(unknown, 404, "Unknown model 'half'")
        version = requests.get(f"{url}/v1/models/small-cnn/versions/9", timeout=TIMEOUT)
        expect_error(version, 404, "has no version 9")
        label = requests.get(f"{url}/v1/models/small-cnn/labels/stable", timeout=TIMEOUT)
        expect_error(label, 404, "has no label 'stable'")
        expect_ok(requests.post(f"{url}/v1/models/small-cnn:predict", json={"instances": [[images[0]]]}, timeout=TIMEOUT))
        return "400/404 with {\"error\": ...}; the next request is served"

    checks.run("errors", errors)

    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
