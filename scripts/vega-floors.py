#!/usr/bin/python3
"""Reference accuracy / R^2 of a small MLP on Debian's vega_datasets tables.

Purpose
-------
Measures, with Debian's scikit-learn, what a standardised one-hidden-layer MLP
reaches on four small real tasks, so that spark-dnn's tests can assert a floor
that is known to be attainable. Needs only Debian packages:

    apt-get install -y python3-sklearn python3-pandas python3-vega-datasets

Run with the system interpreter (a pyenv/venv ``python3`` on PATH will usually
not see the Debian packages):

    /usr/bin/python3 scripts/vega-floors.py          # human-readable table
    /usr/bin/python3 scripts/vega-floors.py --json   # JSON on stdout

Tasks (data from /usr/lib/python3/dist-packages/vega_datasets/_data/)
-------------------------------------------------------------------
iris          iris.json, label ``species`` (3 classes);
              features sepalLength, sepalWidth, petalLength, petalWidth.
cars-origin   cars.json, label ``Origin`` (USA/Europe/Japan);
              features Miles_per_Gallon, Cylinders, Displacement, Horsepower,
              Weight_in_lbs, Acceleration, Year.
cars-mpg      cars.json, regression target ``Miles_per_Gallon``;
              features Cylinders, Displacement, Horsepower, Weight_in_lbs,
              Acceleration, Year.
weather       seattle-weather.csv, label ``weather`` (5 classes);
              features precipitation, temp_max, temp_min, wind (not ``date``).

``Year`` in cars.json is a string "YYYY-01-01"; it is used as the number YYYY
(the first four characters parsed as an integer, e.g. "1970-01-01" -> 1970).
``Name`` is never used.

Split rule (reproducible in Java)
---------------------------------
Rows are numbered in file order with a 0-based index i (position in the JSON
array; for the CSV, the i-th data line after the header). Row i is a TEST row
iff splitmix64(42 + i) mod 4 == 0, all arithmetic unsigned 64-bit:

    z = (x + 0x9E3779B97F4A7C15)            mod 2^64
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 mod 2^64
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB mod 2^64
    return z ^ (z >> 31)

Rows with a null in any column used by the task (features or label/target)
are dropped AFTER numbering, so the index is always the position in the
original file. (cars.json: 8 null Miles_per_Gallon, 6 null Horsepower.)

Models (fit on the training rows only, evaluated on the test rows)
------------------------------------------------------------------
std-MLP       StandardScaler + MLPClassifier/MLPRegressor
raw-MLP       the same MLP without the scaler
std-MLP+stdY  (regression only) StandardScaler + MLPRegressor wrapped in
              TransformedTargetRegressor(transformer=StandardScaler())
baseline      majority training class / training-set mean of the target

MLP settings: hidden_layer_sizes=(32,), activation='relu', solver='adam',
max_iter=2000, early_stopping=False, all other parameters at sklearn defaults
(alpha=1e-4, batch_size=min(200, n), learning_rate_init=1e-3, tol=1e-4,
n_iter_no_change=10), random_state in SEEDS. Reported: test accuracy
(classification) or R^2 / RMSE / MAE (regression) as min / median / max over
the seeds, plus the number of training epochs (n_iter_) actually run.
"""

import argparse
import json
import os
import sys
import warnings

# Keep CPU use modest on a shared machine (must be set before numpy loads).
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DATA_DIR = "/usr/lib/python3/dist-packages/vega_datasets/_data"
SEEDS = [0, 1, 2, 3, 4]
SPLIT_SEED = 42
MASK64 = (1 << 64) - 1


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def is_test_row(i):
    return splitmix64(SPLIT_SEED + i) % 4 == 0


def load_cars():
    with open(os.path.join(DATA_DIR, "cars.json")) as f:
        df = pd.DataFrame(json.load(f))
    df["Year"] = df["Year"].map(lambda s: None if s is None else int(str(s)[:4]))
    return df


def load_iris():
    with open(os.path.join(DATA_DIR, "iris.json")) as f:
        return pd.DataFrame(json.load(f))


def load_weather():
    return pd.read_csv(os.path.join(DATA_DIR, "seattle-weather.csv"))


CAR_NUM = ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year"]

TASKS = [
    dict(name="iris", file="iris.json", load=load_iris, kind="clf", label="species",
         features=["sepalLength", "sepalWidth", "petalLength", "petalWidth"]),
    dict(name="cars-origin", file="cars.json", load=load_cars, kind="clf", label="Origin",
         features=["Miles_per_Gallon"] + CAR_NUM),
    dict(name="cars-mpg", file="cars.json", load=load_cars, kind="reg", label="Miles_per_Gallon",
         features=CAR_NUM),
    dict(name="weather", file="seattle-weather.csv", load=load_weather, kind="clf", label="weather",
         features=["precipitation", "temp_max", "temp_min", "wind"]),
]


def mlp(kind, seed):
    cls = MLPClassifier if kind == "clf" else MLPRegressor
    return cls(hidden_layer_sizes=(32,), activation="relu", solver="adam", max_iter=2000,
               early_stopping=False, random_state=seed)


def summarise(values):
    a = np.asarray(values, dtype=float)
    return {"min": float(a.min()), "median": float(np.median(a)), "max": float(a.max()),
            "per_seed": [float(v) for v in a]}


def n_iter_of(model):
    if isinstance(model, TransformedTargetRegressor):
        model = model.regressor_
    return int(model[-1].n_iter_ if hasattr(model, "steps") else model.n_iter_)


def run_task(t):
    raw = t["load"]()
    raw["_row"] = np.arange(len(raw))  # index in the original file
    cols = t["features"] + [t["label"]]
    df = raw.dropna(subset=cols)
    test_mask = df["_row"].map(is_test_row).to_numpy(dtype=bool)
    X = df[t["features"]].to_numpy(dtype=float)
    y = df[t["label"]].to_numpy()
    if t["kind"] == "reg":
        y = y.astype(float)
    Xtr, Xte, ytr, yte = X[~test_mask], X[test_mask], y[~test_mask], y[test_mask]

    out = {
        "task": t["name"], "file": t["file"], "kind": t["kind"], "label": t["label"],
        "features": t["features"],
        "rows_in_file": int(len(raw)), "rows_dropped_null": int(len(raw) - len(df)),
        "n_train": int(len(ytr)), "n_test": int(len(yte)),
        "test_row_indices": [int(r) for r in df["_row"].to_numpy()[test_mask]],
        "models": {},
    }
    if t["kind"] == "clf":
        classes = sorted(set(y))
        out["class_counts"] = {
            "train": {c: int((ytr == c).sum()) for c in classes},
            "test": {c: int((yte == c).sum()) for c in classes},
        }
        vals, counts = np.unique(ytr, return_counts=True)
        majority = vals[np.argmax(counts)]
        out["models"]["baseline"] = {"majority_class": str(majority),
                                     "accuracy": float(np.mean(yte == majority))}
        variants = {
            "std-MLP": lambda s: make_pipeline(StandardScaler(), mlp("clf", s)),
            "raw-MLP": lambda s: mlp("clf", s),
        }
    else:
        out["target_train_mean"] = float(ytr.mean())
        out["target_train_std"] = float(ytr.std())
        pred = np.full_like(yte, ytr.mean())
        out["models"]["baseline"] = {
            "r2": float(r2_score(yte, pred)),
            "rmse": float(np.sqrt(mean_squared_error(yte, pred))),
            "mae": float(mean_absolute_error(yte, pred)),
        }
        variants = {
            "std-MLP": lambda s: make_pipeline(StandardScaler(), mlp("reg", s)),
            "std-MLP+stdY": lambda s: TransformedTargetRegressor(
                regressor=make_pipeline(StandardScaler(), mlp("reg", s)),
                transformer=StandardScaler()),
            "raw-MLP": lambda s: mlp("reg", s),
        }

    for vname, make in variants.items():
        metrics = {"n_iter": [], "hit_max_iter": 0}
        scores = {k: [] for k in (["accuracy"] if t["kind"] == "clf" else ["r2", "rmse", "mae"])}
        for s in SEEDS:
            m = make(s)
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always", ConvergenceWarning)
                m.fit(Xtr, ytr)
            if any(issubclass(x.category, ConvergenceWarning) for x in w):
                metrics["hit_max_iter"] += 1
            metrics["n_iter"].append(n_iter_of(m))
            p = m.predict(Xte)
            if t["kind"] == "clf":
                scores["accuracy"].append(accuracy_score(yte, p))
            else:
                scores["r2"].append(r2_score(yte, p))
                scores["rmse"].append(np.sqrt(mean_squared_error(yte, p)))
                scores["mae"].append(mean_absolute_error(yte, p))
        res = {k: summarise(v) for k, v in scores.items()}
        res.update(metrics)
        out["models"][vname] = res
    return out


def fmt(s, key, digits=3):
    d = s[key]
    return f"{d['min']:.{digits}f} / {d['median']:.{digits}f} / {d['max']:.{digits}f}"


def print_table(results):
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, pandas {pd.__version__}; "
          f"seeds {SEEDS}; split: test iff splitmix64({SPLIT_SEED}+i) % 4 == 0")
    print()
    for r in results:
        print(f"== {r['task']}  ({r['file']}, {'classification' if r['kind'] == 'clf' else 'regression'}"
              f" of {r['label']})")
        print(f"   features: {', '.join(r['features'])}")
        print(f"   rows in file {r['rows_in_file']}, dropped (null) {r['rows_dropped_null']}, "
              f"train {r['n_train']}, test {r['n_test']}")
        print(f"   first 20 test row indices: {r['test_row_indices'][:20]}")
        if r["kind"] == "clf":
            print(f"   class counts train: {r['class_counts']['train']}")
            print(f"   class counts test:  {r['class_counts']['test']}")
            b = r["models"]["baseline"]
            print(f"   {'model':<14} {'test accuracy min / median / max':<34} epochs (n_iter_)")
            print(f"   {'baseline':<14} {b['accuracy']:.3f}  (always '{b['majority_class']}')")
            for v in ("std-MLP", "raw-MLP"):
                m = r["models"][v]
                note = f"  [{m['hit_max_iter']}/{len(SEEDS)} hit max_iter]" if m["hit_max_iter"] else ""
                print(f"   {v:<14} {fmt(m, 'accuracy'):<34} {m['n_iter']}{note}")
        else:
            print(f"   target train mean {r['target_train_mean']:.3f}, std {r['target_train_std']:.3f}")
            b = r["models"]["baseline"]
            print(f"   {'model':<14} {'R2 min / med / max':<24} {'RMSE min / med / max':<24} "
                  f"{'MAE min / med / max':<24} epochs")
            print(f"   {'baseline':<14} {b['r2']:<24.3f} {b['rmse']:<24.3f} {b['mae']:<24.3f} "
                  f"(predict train mean)")
            for v in ("std-MLP", "std-MLP+stdY", "raw-MLP"):
                m = r["models"][v]
                note = f"  [{m['hit_max_iter']}/{len(SEEDS)} hit max_iter]" if m["hit_max_iter"] else ""
                print(f"   {v:<14} {fmt(m, 'r2'):<24} {fmt(m, 'rmse', 2):<24} {fmt(m, 'mae', 2):<24} "
                      f"{m['n_iter']}{note}")
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="write JSON to stdout instead of the table")
    args = ap.parse_args()
    results = [run_task(t) for t in TASKS]
    if args.json:
        json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__,
                   "seeds": SEEDS, "split_seed": SPLIT_SEED, "tasks": results}, sys.stdout, indent=1)
        print()
    else:
        print_table(results)


if __name__ == "__main__":
    main()
