//! Autodiscover (POX) exchanges: `POST …/autodiscover/autodiscover.xml`, how a client finds its
//! MAPI/HTTP endpoints ([MS-OXDSCLI]).
//!
//! Request: the `X-MapiHttpCapability` header (a client asking for MAPI/HTTP settings, [MS-OXDSCLI]
//! 2.2.3.2) and the body's `EMailAddress` / `LegacyDN` / `AcceptableResponseSchema`.
//! Response (namespace `http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a`,
//! [MS-OXDSCLI] 2.2.4): `User` (DisplayName, LegacyDN, AutoDiscoverSMTPAddress, DeploymentId),
//! `Account` (AccountType, Action, RedirectAddr, RedirectUrl) and its `Protocol` elements — for
//! `<Protocol Type="mapiHttp" Version="1">` ([MS-OXDSCLI] 2.2.4.1.1.2.6) the `MailStore` and
//! `AddressBook` `InternalUrl` / `ExternalUrl`, for the older protocol types (`<Type>EXCH</Type>`, …)
//! their server settings — and `Error` (ErrorCode, Message).
//!
//! The result is a [`Dissection`] like the codec's: nodes are registered fields under
//! `mapihttp.autodiscover.*` (see [`FIELDS`]) whose spans are the XML elements' bytes in the request
//! and response bodies; the request header is a small derived source "request headers".

use mapiscope_codec::build::Builder;
use mapiscope_codec::{Dissection, Field, Severity, SourceId, Value};

use crate::model::{HttpRequest, HttpResponse};
use crate::xml;
use crate::util::url_path;

/// The Outlook provider response schema of [MS-OXDSCLI] 2.2.4.
pub const RESPONSE_NS: &str = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

mapiscope_codec::fields! {
    REQUEST: None = "mapihttp.autodiscover.request", "Autodiscover request", "[MS-OXDSCLI] 2.2.3 an Autodiscover request: HTTP headers and the XML body";
    MAPI_HTTP_CAPABILITY: Text = "mapihttp.autodiscover.mapihttpcapability", "X-MapiHttpCapability", "[MS-OXDSCLI] 2.2.3.2 request header: the highest MAPI/HTTP version the client supports; asks the server for the mapiHttp Protocol element";
    CLIENT_CAN_HANDLE: Text = "mapihttp.autodiscover.clientcanhandle", "X-ClientCanHandle", "Autodiscover request header: the optional response features the client supports (Negotiate, ExHttpInfo, …)";
    EMAIL_ADDRESS: Text = "mapihttp.autodiscover.emailaddress", "EMailAddress", "[MS-OXDSCLI] 2.2.3.1.1.1.1 the SMTP address the client asks settings for";
    REQUEST_LEGACY_DN: Text = "mapihttp.autodiscover.request_legacydn", "LegacyDN", "[MS-OXDSCLI] 2.2.3.1.1.1.3 the mailbox's distinguished name the client asks settings for";
    ACCEPTABLE_SCHEMA: Text = "mapihttp.autodiscover.acceptableresponseschema", "AcceptableResponseSchema", "[MS-OXDSCLI] 2.2.3.1.1.1.2 the response schema the client accepts";
    RESPONSE: None = "mapihttp.autodiscover.response", "Autodiscover response", "[MS-OXDSCLI] 2.2.4 an Autodiscover response body";
    USER: None = "mapihttp.autodiscover.user", "User", "[MS-OXDSCLI] 2.2.4.1.1.1 the user the settings are for";
    DISPLAY_NAME: Text = "mapihttp.autodiscover.user.displayname", "DisplayName", "[MS-OXDSCLI] 2.2.4.1.1.1.2 the user's display name";
    LEGACY_DN: Text = "mapihttp.autodiscover.user.legacydn", "LegacyDN", "[MS-OXDSCLI] 2.2.4.1.1.1.3 the user's mailbox distinguished name (the UserDn of a Connect)";
    SMTP_ADDRESS: Text = "mapihttp.autodiscover.user.autodiscoversmtpaddress", "AutoDiscoverSMTPAddress", "[MS-OXDSCLI] 2.2.4.1.1.1.1 the user's primary SMTP address";
    DEPLOYMENT_ID: Text = "mapihttp.autodiscover.user.deploymentid", "DeploymentId", "[MS-OXDSCLI] 2.2.4.1.1.1.4 the forest the mailbox is in";
    ACCOUNT: None = "mapihttp.autodiscover.account", "Account", "[MS-OXDSCLI] 2.2.4.1.1.2 the account settings";
    ACCOUNT_TYPE: Text = "mapihttp.autodiscover.account.accounttype", "AccountType", "[MS-OXDSCLI] 2.2.4.1.1.2.1 the account type (email)";
    ACTION: Text = "mapihttp.autodiscover.account.action", "Action", "[MS-OXDSCLI] 2.2.4.1.1.2.2 settings, redirectAddr or redirectUrl";
    REDIRECT_ADDR: Text = "mapihttp.autodiscover.account.redirectaddr", "RedirectAddr", "[MS-OXDSCLI] 2.2.4.1.1.2.4 the address to ask Autodiscover again with";
    REDIRECT_URL: Text = "mapihttp.autodiscover.account.redirecturl", "RedirectUrl", "[MS-OXDSCLI] 2.2.4.1.1.2.5 the Autodiscover URL to ask again";
    PROTOCOL: Text = "mapihttp.autodiscover.protocol", "Protocol", "[MS-OXDSCLI] 2.2.4.1.1.2.6 the settings of one way to connect (mapiHttp, EXCH, EXPR, WEB)";
    PROTOCOL_TYPE: Text = "mapihttp.autodiscover.protocol.type", "Type", "[MS-OXDSCLI] 2.2.4.1.1.2.6 the protocol (attribute for mapiHttp, element for the others)";
    PROTOCOL_VERSION: Text = "mapihttp.autodiscover.protocol.version", "Version", "[MS-OXDSCLI] 2.2.4.1.1.2.6 the MAPI/HTTP version of the mapiHttp Protocol element";
    SERVER: Text = "mapihttp.autodiscover.protocol.server", "Server", "[MS-OXDSCLI] 2.2.4.1.1.2.6.x the server of an EXCH/EXPR protocol";
    SERVER_DN: Text = "mapihttp.autodiscover.protocol.serverdn", "ServerDN", "[MS-OXDSCLI] the server's distinguished name";
    EWS_URL: Text = "mapihttp.autodiscover.protocol.ewsurl", "EwsUrl", "[MS-OXDSCLI] the Exchange Web Services URL";
    SETTING: Text = "mapihttp.autodiscover.protocol.setting", "Setting", "[MS-OXDSCLI] 2.2.4.1.1.2.6 another protocol setting, shown as element = value";
    MAIL_STORE: None = "mapihttp.autodiscover.mailstore", "MailStore", "[MS-OXDSCLI] 2.2.4.1.1.2.6.1 the mailbox (emsmdb) MAPI/HTTP endpoint";
    ADDRESS_BOOK: None = "mapihttp.autodiscover.addressbook", "AddressBook", "[MS-OXDSCLI] 2.2.4.1.1.2.6.2 the address book (nspi) MAPI/HTTP endpoint";
    INTERNAL_URL: Text = "mapihttp.autodiscover.internalurl", "InternalUrl", "[MS-OXDSCLI] the URL to use inside the organization's network";
    EXTERNAL_URL: Text = "mapihttp.autodiscover.externalurl", "ExternalUrl", "[MS-OXDSCLI] the URL to use from outside the organization's network";
    ERROR: None = "mapihttp.autodiscover.error", "Error", "[MS-OXDSCLI] 2.2.4.1.1.3 why the server could not answer";
    ERROR_CODE: Text = "mapihttp.autodiscover.error.errorcode", "ErrorCode", "[MS-OXDSCLI] 2.2.4.1.1.3.2 the error code (500 no mailbox, 600 invalid request, 601 provider unavailable, 602 user not found, 603 server busy)";
    ERROR_MESSAGE: Text = "mapihttp.autodiscover.error.message", "Message", "[MS-OXDSCLI] 2.2.4.1.1.3.3 the error text";
    TEXT_BODY: Text = "mapihttp.autodiscover.text_body", "Text body", "An Autodiscover body that is not readable XML (an HTML error page)";
}

/// The MAPI/HTTP URLs and user settings an Autodiscover exchange carried.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AutodiscoverInfo {
    /// The X-MapiHttpCapability request header.
    pub capability: Option<String>,
    /// The EMailAddress of the request.
    pub email: Option<String>,
    /// User/DisplayName.
    pub display_name: Option<String>,
    /// User/LegacyDN.
    pub legacy_dn: Option<String>,
    /// User/AutoDiscoverSMTPAddress.
    pub smtp_address: Option<String>,
    /// The mapiHttp Protocol's Version attribute.
    pub mapi_http_version: Option<String>,
    /// MailStore/InternalUrl.
    pub mailstore_internal: Option<String>,
    /// MailStore/ExternalUrl.
    pub mailstore_external: Option<String>,
    /// AddressBook/InternalUrl.
    pub addressbook_internal: Option<String>,
    /// AddressBook/ExternalUrl.
    pub addressbook_external: Option<String>,
    /// Account/RedirectAddr or RedirectUrl.
    pub redirect: Option<String>,
    /// Error: "ErrorCode: Message".
    pub error: Option<String>,
}

impl AutodiscoverInfo {
    /// A one-line summary for exchange lists.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(e) = self.email.as_deref().or(self.smtp_address.as_deref()) {
            parts.push(e.to_string());
        }
        if let Some(u) = self.mailstore_external.as_deref().or(self.mailstore_internal.as_deref()) {
            parts.push(format!("MailStore {u}"));
        }
        if let Some(u) = self.addressbook_external.as_deref().or(self.addressbook_internal.as_deref()) {
            parts.push(format!("AddressBook {u}"));
        }
        if let Some(r) = &self.redirect {
            parts.push(format!("redirect {r}"));
        }
        if let Some(e) = &self.error {
            parts.push(format!("error {e}"));
        }
        if parts.is_empty() {
            String::from("Autodiscover")
        } else {
            format!("Autodiscover: {}", parts.join(", "))
        }
    }
}

/// True for an Autodiscover POX request target (`…/autodiscover/autodiscover.xml`, any case).
pub fn is_autodiscover(uri: &str) -> bool {
    url_path(uri).to_ascii_lowercase().ends_with("/autodiscover/autodiscover.xml")
}

/// An Autodiscover exchange decoded: the tree, its request and response roots, and what it said.
pub struct Decoded<'a> {
    /// The tree: source 0 the request body (when there is a request), then the response body, then
    /// the request headers.
    pub dissection: Dissection<'a>,
    /// The request root node.
    pub request_root: Option<u32>,
    /// The response root node.
    pub response_root: Option<u32>,
    /// What the exchange said.
    pub info: AutodiscoverInfo,
}

fn clamp(n: usize) -> usize {
    n.min(u32::MAX as usize)
}

/// Decodes an Autodiscover exchange.
pub fn decode<'a>(request: Option<&'a HttpRequest>, response: Option<&'a HttpResponse>) -> Decoded<'a> {
    let mut b = Builder::new();
    let mut info = AutodiscoverInfo::default();
    let req_src = request.map(|r| b.add_source("request body", &r.body));
    let resp_src = response.map(|r| b.add_source("response body", &r.body));
    let mut request_root = None;
    if let (Some(r), Some(src)) = (request, req_src) {
        request_root = b.open(&REQUEST, src, 0).ok();
        // The headers worth showing, as a derived source so their nodes have spans.
        let mut text = String::new();
        let mut spans = Vec::new();
        for (field, name) in [(&MAPI_HTTP_CAPABILITY, "X-MapiHttpCapability"), (&CLIENT_CAN_HANDLE, "X-ClientCanHandle")] {
            if let Some(v) = r.header(name) {
                let line = format!("{name}: {v}\r\n");
                spans.push((field, text.len(), line.len() - 2, v.trim().to_string()));
                text.push_str(&line);
                if name == "X-MapiHttpCapability" {
                    info.capability = Some(v.trim().to_string());
                }
            }
        }
        if !spans.is_empty() {
            let hs = b.reserve_source("request headers");
            b.fill_source(hs, text.into_bytes());
            for (f, at, len, v) in spans {
                let _ = b.push(f, Value::Text(v.into()), hs, at, len);
            }
        } else {
            b.diag(Severity::Note, "no X-MapiHttpCapability header: the client did not ask for MAPI/HTTP settings", src, 0, 0);
        }
        xml_body(&mut b, &r.body, src, &mut info, false);
        if let Some(i) = request_root {
            b.close(i, clamp(r.body.len()));
        }
    }
    let mut response_root = None;
    if let (Some(r), Some(src)) = (response, resp_src) {
        response_root = b.open(&RESPONSE, src, 0).ok();
        if r.body.is_empty() {
            b.diag(Severity::Warning, format!("empty Autodiscover response body (HTTP {})", r.status), src, 0, 0);
        } else {
            xml_body(&mut b, &r.body, src, &mut info, true);
        }
        if let Some(i) = response_root {
            b.close(i, clamp(r.body.len()));
        }
    }
    Decoded { dissection: b.finish(), request_root, response_root, info }
}

/// Child elements by local name.
fn child<'a, 'i>(n: xml::Node<'a, 'i>, name: &str) -> Option<xml::Node<'a, 'i>> {
    n.children().find(|c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case(name))
}

fn text_of(n: xml::Node<'_, '_>) -> String {
    n.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect::<String>().trim().to_string()
}

struct Xml<'b, 'x> {
    b: &'b mut Builder<'x>,
    src: SourceId,
    base: usize,
}

impl Xml<'_, '_> {
    fn leaf(&mut self, f: &'static Field, n: xml::Node<'_, '_>) -> String {
        let r = n.range();
        let v = text_of(n);
        let _ = self.b.push(f, Value::Text(v.clone().into()), self.src, self.base + r.start, r.len());
        v
    }

    fn leaf_child(&mut self, parent: xml::Node<'_, '_>, name: &str, f: &'static Field) -> Option<String> {
        child(parent, name).map(|c| self.leaf(f, c))
    }

    fn open(&mut self, f: &'static Field, n: xml::Node<'_, '_>) -> Option<(u32, usize)> {
        let r = n.range();
        self.b.open(f, self.src, self.base + r.start).ok().map(|i| (i, r.len()))
    }

    fn close(&mut self, g: Option<(u32, usize)>) {
        if let Some((i, len)) = g {
            self.b.close(i, len);
        }
    }
}

fn xml_body(b: &mut Builder<'_>, body: &[u8], src: SourceId, info: &mut AutodiscoverInfo, is_response: bool) {
    if body.is_empty() {
        return;
    }
    let (base, bytes) = match body.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, body),
    };
    let Ok(text) = core::str::from_utf8(bytes) else {
        b.diag(Severity::Warning, "body is not UTF-8 text: not read as XML", src, 0, body.len());
        return;
    };
    let doc = match xml::Document::parse(text, 200_000) {
        Ok(d) => d,
        Err(e) => {
            b.diag(Severity::Warning, format!("body is not readable XML: {e}"), src, 0, body.len());
            let _ = b.push(&TEXT_BODY, Value::Text(text.chars().take(4096).collect::<String>().into()), src, base, bytes.len());
            return;
        }
    };
    let mut x = Xml { b, src, base };
    let root = doc.root_element();
    if !is_response {
        if let Some(req) = child(root, "Request") {
            if let Some(v) = x.leaf_child(req, "EMailAddress", &EMAIL_ADDRESS) {
                info.email = Some(v);
            }
            x.leaf_child(req, "LegacyDN", &REQUEST_LEGACY_DN);
            x.leaf_child(req, "AcceptableResponseSchema", &ACCEPTABLE_SCHEMA);
        }
        return;
    }
    let Some(resp) = child(root, "Response") else {
        x.b.diag(Severity::Warning, "no Response element in the Autodiscover response", src, base, bytes.len());
        return;
    };
    if let Some(ns) = resp.tag_name().namespace() {
        if ns != RESPONSE_NS {
            x.b.diag(Severity::Note, format!("Response in namespace {ns}, not the Outlook provider schema"), src, base + resp.range().start, 0);
        }
    }
    for el in resp.children().filter(|c| c.is_element()) {
        match el.tag_name().name() {
            "User" => {
                let g = x.open(&USER, el);
                info.display_name = x.leaf_child(el, "DisplayName", &DISPLAY_NAME);
                info.legacy_dn = x.leaf_child(el, "LegacyDN", &LEGACY_DN);
                info.smtp_address = x.leaf_child(el, "AutoDiscoverSMTPAddress", &SMTP_ADDRESS);
                x.leaf_child(el, "DeploymentId", &DEPLOYMENT_ID);
                x.close(g);
            }
            "Account" => account(&mut x, el, info),
            "Error" => error(&mut x, el, info),
            _ => {}
        }
    }
}

fn error(x: &mut Xml<'_, '_>, el: xml::Node<'_, '_>, info: &mut AutodiscoverInfo) {
    let g = x.open(&ERROR, el);
    let code = x.leaf_child(el, "ErrorCode", &ERROR_CODE);
    let msg = x.leaf_child(el, "Message", &ERROR_MESSAGE);
    x.close(g);
    let text = format!("{}: {}", code.as_deref().unwrap_or("?"), msg.as_deref().unwrap_or(""));
    x.b.diag(Severity::Warning, format!("Autodiscover error {text}"), x.src, x.base + el.range().start, el.range().len());
    info.error = Some(text);
}

fn account(x: &mut Xml<'_, '_>, el: xml::Node<'_, '_>, info: &mut AutodiscoverInfo) {
    let g = x.open(&ACCOUNT, el);
    for c in el.children().filter(|c| c.is_element()) {
        match c.tag_name().name() {
            "AccountType" => {
                x.leaf(&ACCOUNT_TYPE, c);
            }
            "Action" => {
                x.leaf(&ACTION, c);
            }
            "RedirectAddr" => info.redirect = Some(x.leaf(&REDIRECT_ADDR, c)),
            "RedirectUrl" => info.redirect = Some(x.leaf(&REDIRECT_URL, c)),
            "Protocol" => protocol(x, c, info),
            "Error" => error(x, c, info),
            _ => {}
        }
    }
    x.close(g);
}

fn protocol(x: &mut Xml<'_, '_>, el: xml::Node<'_, '_>, info: &mut AutodiscoverInfo) {
    let g = x.open(&PROTOCOL, el);
    let type_attr = el.attribute_node("Type");
    let ty = match type_attr {
        Some(a) => {
            let r = a.range();
            let _ = x.b.push(&PROTOCOL_TYPE, Value::Text(a.value().into()), x.src, x.base + r.start, r.len());
            a.value().to_string()
        }
        None => x.leaf_child(el, "Type", &PROTOCOL_TYPE).unwrap_or_default(),
    };
    let version = el.attribute_node("Version").map(|a| {
        let r = a.range();
        let _ = x.b.push(&PROTOCOL_VERSION, Value::Text(a.value().into()), x.src, x.base + r.start, r.len());
        a.value().to_string()
    });
    let is_mapi = ty.eq_ignore_ascii_case("mapiHttp");
    if let Some((i, _)) = g {
        let shown = match &version {
            Some(v) => format!("{ty} (Version {v})"),
            None => ty.clone(),
        };
        x.b.set_value(i, Value::Text(shown.into()));
    }
    if is_mapi {
        info.mapi_http_version.clone_from(&version);
    }
    for c in el.children().filter(|c| c.is_element()) {
        let name = c.tag_name().name();
        match name {
            "Type" => {}
            "MailStore" | "AddressBook" => {
                let store = name == "MailStore";
                let gg = x.open(if store { &MAIL_STORE } else { &ADDRESS_BOOK }, c);
                let int = x.leaf_child(c, "InternalUrl", &INTERNAL_URL);
                let ext = x.leaf_child(c, "ExternalUrl", &EXTERNAL_URL);
                x.close(gg);
                if is_mapi {
                    if store {
                        (info.mailstore_internal, info.mailstore_external) = (int, ext);
                    } else {
                        (info.addressbook_internal, info.addressbook_external) = (int, ext);
                    }
                }
            }
            "Server" => {
                x.leaf(&SERVER, c);
            }
            "ServerDN" => {
                x.leaf(&SERVER_DN, c);
            }
            "EwsUrl" => {
                x.leaf(&EWS_URL, c);
            }
            _ => {
                let r = c.range();
                let v = format!("{name} = {}", text_of(c));
                let _ = x.b.push(&SETTING, Value::Text(v.into()), x.src, x.base + r.start, r.len());
            }
        }
    }
    x.close(g);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use mapiscope_codec::display::display_line;

    /// A POX response shaped like the [MS-OXDSCLI] 4.4 example: a mapiHttp Protocol with MailStore
    /// and AddressBook URLs, and an EXCH Protocol.
    pub const RESPONSE_XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <User>
      <DisplayName>Alice Example</DisplayName>
      <LegacyDN>/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice</LegacyDN>
      <AutoDiscoverSMTPAddress>alice@contoso.com</AutoDiscoverSMTPAddress>
      <DeploymentId>5cf1a2b4-0000-4000-8000-000000000001</DeploymentId>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <Protocol Type="mapiHttp" Version="1">
        <MailStore>
          <InternalUrl>https://mail.contoso.com/mapi/emsmdb/?MailboxId=1f9e@contoso.com</InternalUrl>
          <ExternalUrl>https://mail.contoso.com/mapi/emsmdb/?MailboxId=1f9e@contoso.com&amp;x=1</ExternalUrl>
        </MailStore>
        <AddressBook>
          <InternalUrl>https://mail.contoso.com/mapi/nspi/?MailboxId=1f9e@contoso.com</InternalUrl>
          <ExternalUrl>https://mail.contoso.com/mapi/nspi/?MailboxId=1f9e@contoso.com</ExternalUrl>
        </AddressBook>
      </Protocol>
      <Protocol>
        <Type>EXCH</Type>
        <Server>1f9e@contoso.com</Server>
        <ServerDN>/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=1f9e@contoso.com</ServerDN>
        <EwsUrl>https://mail.contoso.com/EWS/Exchange.asmx</EwsUrl>
        <AuthPackage>Negotiate</AuthPackage>
      </Protocol>
    </Account>
  </Response>
</Autodiscover>"#;

    pub const REQUEST_XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>alice@contoso.com</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>"#;

    fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
        d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
    }

    #[test]
    fn urls_and_user_extracted() {
        let rq = HttpRequest {
            method: "POST".into(),
            uri: "https://autodiscover.contoso.com/autodiscover/autodiscover.xml".into(),
            headers: vec![("X-MapiHttpCapability".into(), "1".into())],
            body: REQUEST_XML.as_bytes().to_vec(),
            time: None,
        };
        let rs = HttpResponse { status: 200, body: RESPONSE_XML.as_bytes().to_vec(), complete: true, ..Default::default() };
        let x = decode(Some(&rq), Some(&rs));
        let i = &x.info;
        assert_eq!(i.capability.as_deref(), Some("1"));
        assert_eq!(i.email.as_deref(), Some("alice@contoso.com"));
        assert_eq!(i.display_name.as_deref(), Some("Alice Example"));
        assert_eq!(i.smtp_address.as_deref(), Some("alice@contoso.com"));
        assert!(i.legacy_dn.as_deref().unwrap().ends_with("/cn=Recipients/cn=alice"));
        assert_eq!(i.mapi_http_version.as_deref(), Some("1"));
        assert_eq!(i.mailstore_internal.as_deref(), Some("https://mail.contoso.com/mapi/emsmdb/?MailboxId=1f9e@contoso.com"));
        assert_eq!(i.mailstore_external.as_deref(), Some("https://mail.contoso.com/mapi/emsmdb/?MailboxId=1f9e@contoso.com&x=1"));
        assert_eq!(i.addressbook_internal.as_deref(), Some("https://mail.contoso.com/mapi/nspi/?MailboxId=1f9e@contoso.com"));
        assert_eq!(i.addressbook_external.as_deref(), Some("https://mail.contoso.com/mapi/nspi/?MailboxId=1f9e@contoso.com"));
        let d = &x.dissection;
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(d, "mapihttp.autodiscover.protocol"), ["Protocol: mapiHttp (Version 1)", "Protocol: EXCH"]);
        assert_eq!(lines(d, "mapihttp.autodiscover.mapihttpcapability"), ["X-MapiHttpCapability: 1"]);
        assert_eq!(lines(d, "mapihttp.autodiscover.protocol.setting"), ["Setting: AuthPackage = Negotiate"]);
        // Spans are the elements' bytes in the response body.
        let (_, n) = d.find("mapihttp.autodiscover.internalurl").unwrap();
        let s = core::str::from_utf8(d.bytes_of(n)).unwrap();
        assert_eq!(s, "<InternalUrl>https://mail.contoso.com/mapi/emsmdb/?MailboxId=1f9e@contoso.com</InternalUrl>");
        assert_eq!(n.source, 1);
        let (_, h) = d.find("mapihttp.autodiscover.mapihttpcapability").unwrap();
        assert_eq!(d.bytes_of(h), b"X-MapiHttpCapability: 1");
        // The tree: request root holds the header and the EMailAddress; the MailStore group its URLs.
        let root = x.request_root.unwrap();
        assert_eq!(d.children(root).count(), 3);
        let (ms, _) = d.find("mapihttp.autodiscover.mailstore").unwrap();
        assert_eq!(d.children(ms).count(), 2);
        assert!(x.info.summary().contains("MailStore https://mail.contoso.com/mapi/emsmdb/?MailboxId=1f9e@contoso.com&x=1"));
    }

    #[test]
    fn error_and_non_xml() {
        let body = br#"<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Error Time="1" Id="2"><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error></Response></Autodiscover>"#;
        let rs = HttpResponse { status: 200, body: body.to_vec(), complete: true, ..Default::default() };
        let x = decode(None, Some(&rs));
        assert_eq!(x.info.error.as_deref(), Some("600: Invalid Request"));
        assert!(x.request_root.is_none());
        assert_eq!(x.dissection.node(x.response_root.unwrap()).unwrap().source, 0);
        let rs = HttpResponse { status: 401, body: b"<html>401 Unauthorized".to_vec(), ..Default::default() };
        let x = decode(None, Some(&rs));
        assert!(x.dissection.diagnostics[0].message.starts_with("body is not readable XML"));
        assert!(x.dissection.find("mapihttp.autodiscover.text_body").is_some());
    }

    #[test]
    fn autodiscover_urls_recognised() {
        assert!(is_autodiscover("/autodiscover/autodiscover.xml"));
        assert!(is_autodiscover("https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml?x=1"));
        assert!(!is_autodiscover("/autodiscover/autodiscover.svc"));
    }

    /// Registered keys are unique across the codec's registry and this module, lowercase and dotted.
    #[test]
    fn keys_unique_with_codec_registry() {
        let mut seen: std::collections::BTreeSet<&str> = mapiscope_codec::registry::all().map(|f| f.key).collect();
        for f in FIELDS {
            assert!(seen.insert(f.key), "duplicate key {}", f.key);
            assert!(f.key.starts_with("mapihttp.autodiscover."));
            assert!(f.key.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'_'), "{}", f.key);
        }
    }
}
