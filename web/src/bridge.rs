//! The UI side of the decoding worker (`web/worker.js`): requests are plain JS objects posted with
//! `postMessage`, replies come back through one `onmessage` callback as [`Reply`]s.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

/// Reads a property of a JS object (undefined when missing).
pub fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

pub fn get_str(o: &JsValue, k: &str) -> Option<String> {
    get(o, k).as_string()
}

pub fn get_f64(o: &JsValue, k: &str) -> Option<f64> {
    get(o, k).as_f64()
}

/// A reply (or progress report) from the worker.
#[derive(Clone, Debug)]
pub struct Reply {
    pub id: u32,
    pub op: String,
    pub ok: bool,
    pub error: Option<String>,
    /// The `result` object (JSON strings, numbers, a Uint8Array).
    pub result: JsValue,
    /// The whole message (echoed request parameters: cap, index, source; progress numbers).
    pub data: JsValue,
}

/// The worker and its message callback (kept alive as long as the bridge).
pub struct Bridge {
    worker: Worker,
    next: u32,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::Event)>,
}

impl Bridge {
    /// Starts `worker.js` (a module worker next to the page) and routes its messages to `cb`.
    pub fn new(cb: Callback<Reply>) -> Result<Bridge, String> {
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("./worker.js", &opts).map_err(|e| format!("cannot start the decoding worker: {e:?}"))?;
        let cb2 = cb.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let d = ev.data();
            let reply = Reply {
                id: get_f64(&d, "id").unwrap_or(0.0) as u32,
                op: get_str(&d, "op").unwrap_or_default(),
                ok: get(&d, "ok").as_bool().unwrap_or(false),
                error: get_str(&d, "error"),
                result: get(&d, "result"),
                data: d,
            };
            cb2.emit(reply);
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            ev.prevent_default();
            let msg = ev
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the decoding worker failed to start (is the site served over http://, with pkg/ next to worker.js?)".into());
            cb.emit(Reply { id: 0, op: "worker-error".into(), ok: false, error: Some(msg), result: JsValue::UNDEFINED, data: JsValue::UNDEFINED });
        });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(Bridge { worker, next: 1, _onmessage: onmessage, _onerror: onerror })
    }

    /// Posts a request `{op, id, ...fields}`; returns its id.
    pub fn send(&mut self, op: &str, fields: &[(&str, JsValue)]) -> u32 {
        let id = self.next;
        self.next = self.next.wrapping_add(1).max(1);
        let o = Object::new();
        let _ = Reflect::set(&o, &"op".into(), &op.into());
        let _ = Reflect::set(&o, &"id".into(), &JsValue::from_f64(f64::from(id)));
        for (k, v) in fields {
            let _ = Reflect::set(&o, &JsValue::from_str(k), v);
        }
        let _ = self.worker.post_message(&o);
        id
    }
}

/// Reading parsed JSON (`JSON.parse` in the browser: no serde code in the UI wasm for the reports
/// read this way; `serde_json::Value` in native tests).
pub trait Json: Sized {
    fn field(&self, k: &str) -> Self;
    fn num(&self) -> Option<f64>;
    fn text(&self) -> Option<String>;
    fn boolean(&self) -> Option<bool>;
    fn items(&self) -> Vec<Self>;
    fn is_array(&self) -> bool;

    fn f(&self, k: &str) -> Option<f64> {
        self.field(k).num()
    }
    fn u(&self, k: &str) -> u64 {
        self.f(k).map_or(0, |v| v as u64)
    }
    fn s(&self, k: &str) -> Option<String> {
        self.field(k).text()
    }
    fn b(&self, k: &str) -> bool {
        self.field(k).boolean().unwrap_or(false)
    }
    fn list(&self, k: &str) -> Vec<Self> {
        self.field(k).items()
    }
}

impl Json for JsValue {
    fn field(&self, k: &str) -> Self {
        if self.is_object() {
            get(self, k)
        } else {
            JsValue::UNDEFINED
        }
    }
    fn num(&self) -> Option<f64> {
        self.as_f64()
    }
    fn text(&self) -> Option<String> {
        self.as_string()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn items(&self) -> Vec<Self> {
        if js_sys::Array::is_array(self) {
            js_sys::Array::from(self).iter().collect()
        } else {
            Vec::new()
        }
    }
    fn is_array(&self) -> bool {
        js_sys::Array::is_array(self)
    }
}

/// `JSON.parse(text)` (undefined when it is not JSON).
pub fn parse_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

#[cfg(test)]
impl Json for serde_json::Value {
    fn field(&self, k: &str) -> Self {
        self.get(k).cloned().unwrap_or(serde_json::Value::Null)
    }
    fn num(&self) -> Option<f64> {
        self.as_f64()
    }
    fn text(&self) -> Option<String> {
        self.as_str().map(String::from)
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn items(&self) -> Vec<Self> {
        self.as_array().cloned().unwrap_or_default()
    }
    fn is_array(&self) -> bool {
        self.is_array()
    }
}
